#include "queries/xml_scanner.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"
#include "base/utf8.h"

namespace aurora {
namespace {

enum : uint8_t {
  kNameStart = 1,
  kNameChar = 2,
  kSpace = 4,
  kAttrSpecial = 8,  // ends the plain run of an attribute value
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kNameStart | kNameChar;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kNameStart | kNameChar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kNameChar;
  for (char c : {'_', ':'}) t[static_cast<uint8_t>(c)] |= kNameStart | kNameChar;
  for (char c : {'-', '.'}) t[static_cast<uint8_t>(c)] |= kNameChar;
  for (char c : {' ', '\t', '\r', '\n'}) t[static_cast<uint8_t>(c)] |= kSpace;
  for (char c : {'"', '\'', '<', '&', '\t', '\r', '\n'}) {
    t[static_cast<uint8_t>(c)] |= kAttrSpecial;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline bool Is(char c, uint8_t cls) {
  return (kClasses[static_cast<uint8_t>(c)] & cls) != 0;
}

inline char OtherQuote(char quote) { return quote == '"' ? '\'' : '"'; }

// Marks (0x80 in the byte) the bytes among the 8 at `p` that are `quote`,
// '<', '&' or below 0x20 (which includes tab, CR and LF). Zero exactly when
// there is none; the lowest marked byte is always a real match (a borrow
// only marks bytes above a real match).
inline uint64_t AttrCandidates8(const char* p, char quote) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  return has_zero(w ^ (kOnes * static_cast<uint8_t>(quote))) |
         has_zero(w ^ (kOnes * '<')) | has_zero(w ^ (kOnes * '&')) |
         ((w - kOnes * 0x20) & ~w & kHigh);  // a byte below 0x20
}

// The first byte in [p, end) that ends the plain run of a value quoted with
// `quote`: the quote itself, '<', '&', tab, CR or LF (the other quote
// character does not), or `end`. Bytes below 0x20 are candidates so that
// one comparison covers tab/CR/LF; the others are stepped over.
inline const char* SkipAttrPlain(const char* p, const char* end, char quote) {
#if defined(__SSE2__)
  const __m128i q = _mm_set1_epi8(quote);
  const __m128i lt = _mm_set1_epi8('<');
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i ctl = _mm_set1_epi8(0x1F);
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, lt)),
        _mm_or_si128(_mm_cmpeq_epi8(x, amp),
                     // x <= 0x1F, unsigned
                     _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)));
    const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (m == 0) {
      p += 16;
      continue;
    }
    p += __builtin_ctz(m);  // the first candidate
    if (Is(*p, kAttrSpecial) && *p != OtherQuote(quote)) return p;
    ++p;  // another byte below 0x20
  }
#endif
  while (end - p >= 8) {
    const uint64_t m = AttrCandidates8(p, quote);
    if (m == 0) {
      p += 8;
      continue;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    p += __builtin_ctzll(m) / 8;  // the first candidate (lowest address)
    if (Is(*p, kAttrSpecial) && *p != OtherQuote(quote)) return p;
    ++p;  // another byte below 0x20
#else
    break;
#endif
  }
  while (p < end && (!Is(*p, kAttrSpecial) || *p == OtherQuote(quote))) ++p;
  return p;
}

inline const char* SkipSpace(const char* p, const char* end) {
  while (p < end && Is(*p, kSpace)) ++p;
  return p;
}

inline const char* SkipName(const char* p, const char* end) {
  while (p < end && Is(*p, kNameChar)) ++p;
  return p;
}

bool StartsWith(const char* p, const char* end, std::string_view s) {
  return static_cast<size_t>(end - p) >= s.size() &&
         std::memcmp(p, s.data(), s.size()) == 0;
}

// Finds `s` in [p, end); null when absent.
const char* Find(const char* p, const char* end, std::string_view s) {
  std::string_view hay(p, static_cast<size_t>(end - p));
  size_t at = hay.find(s);
  return at == std::string_view::npos ? nullptr : p + at;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Parses the reference starting at `amp` ('&') in [amp, end). Sets *len to
// its length and *cp to the code point it stands for; false when it is not
// one of &lt; &gt; &amp; &quot; &apos; &#N; &#xH; with a valid XML Char.
bool ParseReference(const char* amp, const char* end, size_t* len,
                    uint32_t* cp) {
  const char* p = amp + 1;
  if (p < end && *p == '#') {
    ++p;
    bool hex = p < end && *p == 'x';
    if (hex) ++p;
    uint32_t v = 0;
    int digits = 0;
    for (; p < end && *p != ';'; ++p) {
      int d;
      char c = *p;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return false;
      }
      if (++digits > 8) return false;
      v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    }
    if (p >= end || digits == 0) return false;
    // XML Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | ...
    bool ok = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
              (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
    if (!ok) return false;
    *cp = v;
    *len = static_cast<size_t>(p + 1 - amp);
    return true;
  }
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'},
      {"apos;", '\''}};
  for (const auto& [text, c] : kNamed) {
    if (StartsWith(p, end, text)) {
      *cp = static_cast<uint8_t>(c);
      *len = 1 + text.size();
      return true;
    }
  }
  return false;
}

// Name equality, cheap for the usual case of different first bytes.
inline bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a[0] == b[0]) && a == b;
}

// Result of ScanOther meaning "scanned, nothing to report".
constexpr XmlEvent kNothing = XmlEvent::kStartElement;

}  // namespace

XmlScanner::XmlScanner(std::string_view input, Options options)
    : input_(input),
      options_(options),
      begin_(input.data()),
      end_(input.data() + input.size()),
      pos_(input.data()) {}

const XmlAttribute* XmlScanner::FindAttribute(
    std::string_view attr_name) const {
  for (const XmlAttribute& a : attributes_) {
    if (SameName(a.name, attr_name)) return &a;
  }
  return nullptr;
}

XmlEvent XmlScanner::Fail(const char* at, std::string message) {
  failed_ = true;
  error_offset_ = static_cast<size_t>(at - begin_);
  error_message_ = std::move(message);
  return XmlEvent::kError;
}

bool XmlScanner::CheckReferences(const char* p, const char* q) {
  for (;;) {
    const void* amp = std::memchr(p, '&', static_cast<size_t>(q - p));
    if (amp == nullptr) return true;
    const char* a = static_cast<const char*>(amp);
    size_t len;
    uint32_t cp;
    if (!ParseReference(a, q, &len, &cp)) {
      Fail(a,
           "unsupported or malformed reference (only &lt; &gt; &amp; &quot; "
           "&apos; and &#N; / &#xH; are accepted)");
      return false;
    }
    p = a + len;
  }
}

XmlEvent XmlScanner::Start() {
  started_ = true;
  if (const void* nul = std::memchr(begin_, '\0', input_.size())) {
    return Fail(static_cast<const char*>(nul), "NUL byte");
  }
  if (size_t bad = FindInvalidUtf8(input_); bad != std::string_view::npos) {
    return Fail(begin_ + bad, "invalid UTF-8");
  }
  if (StartsWith(pos_, end_, "\xEF\xBB\xBF")) pos_ += 3;
  // The XML declaration, only at the very start.
  if (StartsWith(pos_, end_, "<?xml") && pos_ + 5 < end_ &&
      (Is(pos_[5], kSpace) || pos_[5] == '?')) {
    const char* p = pos_ + 5;
    bool version = false;
    for (;;) {
      const char* ws = p;
      p = SkipSpace(p, end_);
      if (StartsWith(p, end_, "?>")) {
        pos_ = p + 2;
        break;
      }
      if (p == ws || p >= end_ || !Is(*p, kNameStart)) {
        return Fail(p, "malformed XML declaration");
      }
      const char* n = p;
      p = SkipName(p, end_);
      std::string_view attr(n, static_cast<size_t>(p - n));
      p = SkipSpace(p, end_);
      if (p >= end_ || *p != '=') return Fail(p, "expected '=' in the XML declaration");
      p = SkipSpace(p + 1, end_);
      if (p >= end_ || (*p != '"' && *p != '\'')) {
        return Fail(p, "expected a quoted value in the XML declaration");
      }
      const char* close = static_cast<const char*>(
          std::memchr(p + 1, *p, static_cast<size_t>(end_ - p - 1)));
      if (close == nullptr) return Fail(p, "unterminated XML declaration");
      std::string_view value(p + 1, static_cast<size_t>(close - p - 1));
      if (attr == "version") {
        version = true;
      } else if (attr == "encoding") {
        if (!EqualsIgnoreCase(value, "UTF-8") &&
            !EqualsIgnoreCase(value, "UTF8")) {
          return Fail(p + 1, "unsupported encoding (only UTF-8 is scanned)");
        }
      } else if (attr != "standalone") {
        return Fail(n, "unexpected attribute in the XML declaration");
      }
      p = close + 1;
    }
    if (!version) return Fail(begin_, "XML declaration without version");
  }
  return kNothing;
}

XmlEvent XmlScanner::Next() {
  if (failed_) return XmlEvent::kError;
  if (done_) return XmlEvent::kEndOfDocument;
  if (pending_end_) {
    pending_end_ = false;
    self_closing_ = false;
    attributes_.clear();
    if (open_.empty()) root_seen_ = true;
    return XmlEvent::kEndElement;
  }
  if (!started_ && Start() == XmlEvent::kError) return XmlEvent::kError;
  for (;;) {
    if (open_.empty()) {
      // Prolog or epilog: only white space, comments and PIs (and before
      // the root one DOCTYPE).
      const char* p = SkipSpace(pos_, end_);
      if (p >= end_) {
        if (!root_seen_) return Fail(p, "no root element");
        pos_ = p;
        done_ = true;
        return XmlEvent::kEndOfDocument;
      }
      if (*p != '<') return Fail(p, "text outside the root element");
      if (p + 1 < end_ && (p[1] == '!' || p[1] == '?')) {
        XmlEvent e = ScanOther(p);
        if (e == XmlEvent::kError) return e;
        continue;
      }
      if (root_seen_) return Fail(p, "content after the root element");
      return ScanMarkup(p);
    }
    // Inside the root: character data up to the next '<'.
    const char* lt = static_cast<const char*>(
        std::memchr(pos_, '<', static_cast<size_t>(end_ - pos_)));
    if (lt == nullptr) {
      return Fail(end_, absl::StrCat("unclosed element <",
                                     std::string(open_.back()),
                                     "> at the end of the input"));
    }
    if (lt != pos_) {
      if (!CheckReferences(pos_, lt)) return XmlEvent::kError;
      if (options_.report_text) {
        text_ = std::string_view(pos_, static_cast<size_t>(lt - pos_));
        text_is_cdata_ = false;
        pos_ = lt;
        return XmlEvent::kText;
      }
    }
    if (lt + 1 < end_ && (lt[1] == '!' || lt[1] == '?')) {
      XmlEvent e = ScanOther(lt);
      if (e != kNothing) return e;
      continue;
    }
    return ScanMarkup(lt);
  }
}

XmlEvent XmlScanner::ScanMarkup(const char* lt) {
  if (lt + 1 < end_ && lt[1] == '/') return ScanEndTag(lt);
  return ScanStartTag(lt);
}

XmlEvent XmlScanner::ScanStartTag(const char* lt) {
  const char* p = lt + 1;
  if (p >= end_ || !Is(*p, kNameStart)) return Fail(p, "bad element name");
  const char* n = p;
  p = SkipName(p, end_);
  name_ = std::string_view(n, static_cast<size_t>(p - n));
  attributes_.clear();
  for (;;) {
    const char* ws = p;
    p = SkipSpace(p, end_);
    if (p >= end_) return Fail(p, "unterminated start tag");
    if (*p == '>') {
      pos_ = p + 1;
      open_.push_back(name_);
      depth_ = open_.size();
      self_closing_ = false;
      return XmlEvent::kStartElement;
    }
    if (*p == '/') {
      if (p + 1 >= end_ || p[1] != '>') return Fail(p, "expected '/>'");
      pos_ = p + 2;
      depth_ = open_.size() + 1;
      self_closing_ = true;
      pending_end_ = true;
      return XmlEvent::kStartElement;
    }
    if (p == ws) return Fail(p, "expected white space before an attribute");
    if (!Is(*p, kNameStart)) return Fail(p, "bad attribute name");
    const char* an = p;
    p = SkipName(p, end_);
    XmlAttribute attr;
    attr.name = std::string_view(an, static_cast<size_t>(p - an));
    p = SkipSpace(p, end_);
    if (p >= end_ || *p != '=') return Fail(p, "expected '=' after attribute name");
    p = SkipSpace(p + 1, end_);
    if (p >= end_ || (*p != '"' && *p != '\'')) {
      return Fail(p, "expected a quoted attribute value");
    }
    const char quote = *p++;
    const char* v = p;
    for (;;) {
      p = SkipAttrPlain(p, end_, quote);
      if (p >= end_) return Fail(v - 1, "unterminated attribute value");
      const char c = *p;
      if (c == quote) break;
      if (c == '<') return Fail(p, "'<' in an attribute value");
      if (c == '&') {
        size_t len;
        uint32_t cp;
        if (!ParseReference(p, end_, &len, &cp)) {
          return Fail(p,
                      "unsupported or malformed reference (only &lt; &gt; "
                      "&amp; &quot; &apos; and &#N; / &#xH; are accepted)");
        }
        attr.plain = false;
        p += len;
        continue;
      }
      if (c != '"' && c != '\'') attr.plain = false;  // tab, CR, LF
      ++p;
    }
    attr.raw_value = std::string_view(v, static_cast<size_t>(p - v));
    ++p;  // closing quote
    for (const XmlAttribute& other : attributes_) {
      if (SameName(other.name, attr.name)) {
        return Fail(an, "duplicate attribute");
      }
    }
    attributes_.push_back(attr);
  }
}

XmlEvent XmlScanner::ScanEndTag(const char* lt) {
  const char* p = lt + 2;
  const char* n = p;
  p = SkipName(p, end_);
  std::string_view name(n, static_cast<size_t>(p - n));
  if (open_.empty() || name != open_.back()) {
    return Fail(n, open_.empty()
                       ? std::string("end tag without start tag")
                       : absl::StrCat("end tag </", std::string(name),
                                      "> does not match <",
                                      std::string(open_.back()), ">"));
  }
  p = SkipSpace(p, end_);
  if (p >= end_ || *p != '>') return Fail(p, "expected '>' to end the end tag");
  pos_ = p + 1;
  name_ = name;
  depth_ = open_.size();
  open_.pop_back();
  if (open_.empty()) root_seen_ = true;
  self_closing_ = false;
  attributes_.clear();
  return XmlEvent::kEndElement;
}

XmlEvent XmlScanner::ScanOther(const char* lt) {
  if (StartsWith(lt, end_, "<!--")) {
    const char* dashes = Find(lt + 4, end_, "--");
    if (dashes == nullptr) return Fail(lt, "unterminated comment");
    if (dashes + 2 >= end_ || dashes[2] != '>') {
      return Fail(dashes, "'--' inside a comment");
    }
    pos_ = dashes + 3;
    return kNothing;
  }
  if (lt[1] == '?') {
    const char* p = lt + 2;
    if (p >= end_ || !Is(*p, kNameStart)) return Fail(p, "bad PI target");
    const char* n = p;
    p = SkipName(p, end_);
    std::string_view target(n, static_cast<size_t>(p - n));
    if (EqualsIgnoreCase(target, "xml")) {
      return Fail(lt, "XML declaration not at the start of the document");
    }
    if (StartsWith(p, end_, "?>")) {
      pos_ = p + 2;
      return kNothing;
    }
    if (p >= end_ || !Is(*p, kSpace)) return Fail(p, "bad PI target");
    const char* close = Find(p, end_, "?>");
    if (close == nullptr) return Fail(lt, "unterminated processing instruction");
    pos_ = close + 2;
    return kNothing;
  }
  if (StartsWith(lt, end_, "<![CDATA[")) {
    if (open_.empty()) return Fail(lt, "CDATA section outside the root element");
    const char* close = Find(lt + 9, end_, "]]>");
    if (close == nullptr) return Fail(lt, "unterminated CDATA section");
    pos_ = close + 3;
    if (options_.report_text) {
      text_ = std::string_view(lt + 9, static_cast<size_t>(close - lt - 9));
      text_is_cdata_ = true;
      return XmlEvent::kText;
    }
    return kNothing;
  }
  if (StartsWith(lt, end_, "<!DOCTYPE")) {
    if (!open_.empty() || root_seen_ || doctype_seen_) {
      return Fail(lt, "DOCTYPE not allowed here");
    }
    const char* p = lt + 9;
    if (p >= end_ || !Is(*p, kSpace)) return Fail(p, "malformed DOCTYPE");
    // Name, external id and quoted literals; never read, never fetched.
    for (; p < end_; ++p) {
      char c = *p;
      if (c == '>') break;
      if (c == '"' || c == '\'') {
        const char* close = static_cast<const char*>(
            std::memchr(p + 1, c, static_cast<size_t>(end_ - p - 1)));
        if (close == nullptr) return Fail(p, "unterminated DOCTYPE literal");
        p = close;
        continue;
      }
      if (c == '[') return Fail(p, "DOCTYPE internal subset not supported");
      if (c == '<') return Fail(p, "malformed DOCTYPE");
    }
    if (p >= end_) return Fail(lt, "unterminated DOCTYPE");
    doctype_seen_ = true;
    pos_ = p + 1;
    return kNothing;
  }
  return Fail(lt, "unsupported markup declaration");
}

bool XmlAttributeValue(const XmlAttribute& attr, std::string* out) {
  out->clear();
  const char* p = attr.raw_value.data();
  const char* end = p + attr.raw_value.size();
  if (attr.plain) {
    out->assign(p, end);
    return true;
  }
  out->reserve(attr.raw_value.size());
  while (p < end) {
    char c = *p;
    if (c == '&') {
      size_t len;
      uint32_t cp;
      if (!ParseReference(p, end, &len, &cp)) return false;
      AppendUtf8(cp, out);
      p += len;
    } else if (c == '\r') {
      out->push_back(' ');
      ++p;
      if (p < end && *p == '\n') ++p;
    } else if (c == '\t' || c == '\n') {
      out->push_back(' ');
      ++p;
    } else {
      out->push_back(c);
      ++p;
    }
  }
  return true;
}

}  // namespace aurora
