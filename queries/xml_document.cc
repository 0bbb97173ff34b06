#include "queries/xml_document.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/line_col.h"
#include "base/strings.h"
#include "base/number_format.h"
#include "base/utf8.h"

namespace aurora {
namespace {

}  // namespace

absl::StatusOr<std::unique_ptr<pugi::xml_document>> ParseXml(
    std::string_view content, std::string_view name) {
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": empty file, expected an XML document"));
  }
  auto doc = std::make_unique<pugi::xml_document>();
  // pugixml reads no DTD and expands no entity (it never touches the
  // network or the filesystem); the DOCTYPE is kept only to be checked.
  unsigned options =
      pugi::parse_default | pugi::parse_declaration | pugi::parse_doctype;
  pugi::xml_parse_result r = doc->load_buffer(
      content.data(), content.size(), options, pugi::encoding_auto);
  if (!r) {
    auto [line, col] = LineColAt(content, static_cast<size_t>(r.offset));
    std::string why = r.description();
    if (r.status == pugi::status_no_document_element) {
      return absl::InvalidArgumentError(absl::StrCat(Sv(name), ": not XML: no root element found (", why, ")"));
    }
    if (static_cast<size_t>(r.offset) >= content.size() ||
        r.status == pugi::status_end_element_mismatch) {
      return absl::InvalidArgumentError(
          absl::StrCat(Sv(name), ": not well-formed XML at line ", line,
                       ", column ", col, ": ", why,
                       " (truncated or unbalanced document?)"));
    }
    return absl::InvalidArgumentError(absl::StrCat(Sv(name), ": not well-formed XML at line ", line, ", column ", col, ": ",
        why));
  }
  if (r.encoding == pugi::encoding_utf8) {
    size_t bad = FindInvalidUtf8(content);
    if (bad != std::string_view::npos) {
      auto [line, col] = LineColAt(content, bad);
      return absl::InvalidArgumentError(absl::StrCat(Sv(name), ": invalid UTF-8 at byte ", bad, " (line ", line, ", column ",
          col, "); declare the encoding in the XML prolog if it is not UTF-8"));
    }
  }
  // An entity declared in an internal subset would be left unexpanded: a
  // <failure> or <line hits="0"> written through one would vanish
  // (issue 10). Refuse, clearly, rather than read less than the producer
  // wrote.
  for (pugi::xml_node n = doc->first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_doctype) continue;
    if (std::strstr(n.value(), "<!ENTITY") == nullptr) continue;
    size_t at = content.find("<!ENTITY");
    std::string where;
    if (at != std::string_view::npos) {
      where = absl::StrCat("line ", LineColAt(content, at).line, ": ");
    }
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(name), ": ", where,
        "the DOCTYPE declares an entity (<!ENTITY …>); aurora-gate never "
        "expands DTD entities, so what they stand for would be lost: write "
        "the report without an internal DTD subset"));
  }
  if (!doc->document_element()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": not XML: no root element found"));
  }
  return doc;
}

}  // namespace aurora
