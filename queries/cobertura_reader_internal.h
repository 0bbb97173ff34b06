// File: queries/cobertura_reader_internal.h
// The Cobertura reader's streaming fast path (queries/xml_scanner.h), for
// the coverage dispatch and the differential test. It reads only the common
// well-formed case and declines anything else, so every result it returns
// equals the DOM path's (ParseXml + ParseCobertura) on the same bytes.
#ifndef AURORA_QUERIES_COBERTURA_READER_INTERNAL_H_
#define AURORA_QUERIES_COBERTURA_READER_INTERNAL_H_

#include <optional>
#include <string_view>

#include "queries/artifact.h"

namespace aurora {

// Reads `content` (a whole file) as Cobertura XML without building a DOM.
// nullopt ("gave up") on any surprise: not the scanner's XML subset or not
// well-formed, root not <coverage>, not what the coverage dispatch sends to
// the Cobertura reader (Clover's clover attribute / <project>, neither
// line-rate nor <packages>), a repeated <packages>/<classes>/<lines>, or
// anything the DOM path reports as an error. Pure; thread-safe.
std::optional<ArtifactData> TryParseCoberturaStreaming(
    std::string_view content);

}  // namespace aurora

#endif  // AURORA_QUERIES_COBERTURA_READER_INTERNAL_H_
