// File: queries/xml_document.h
// Safe XML loading for artifact readers (pugixml): never expands or fetches
// external entities or DTDs, accepts a UTF-8 BOM, UTF-16 with BOM and an
// ISO-8859-1/latin1 declaration, and rejects invalid UTF-8, truncated and
// non-XML input with a message that names the file and the byte offset.
#ifndef AURORA_QUERIES_XML_DOCUMENT_H_
#define AURORA_QUERIES_XML_DOCUMENT_H_

#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "pugixml.hpp"

namespace aurora {

// Parses `content` (the bytes of file `name`) into a document. Returns
// InvalidArgument "NAME: not well-formed XML at line L, column C: WHY" or
// "NAME: empty file" / "NAME: invalid UTF-8 at byte N", and "NAME: line L:
// the DOCTYPE declares an entity …" for an internal DTD subset with
// <!ENTITY> (never expanded, so never silently dropped either). The
// document owns a copy of the buffer. Pure; thread-safe.
absl::StatusOr<std::unique_ptr<pugi::xml_document>> ParseXml(
    std::string_view content, std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_XML_DOCUMENT_H_
