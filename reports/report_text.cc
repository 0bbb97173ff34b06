#include "reports/report_text.h"

#include <cstdint>

#include "base/utf8.h"

namespace aurora {
namespace {

// Walks `s` code point by code point; `map` returns false to replace the
// code point with U+FFFD, or appends its own replacement and returns true.
template <typename Map>
std::string Transform(std::string_view s, Map map) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out += kReplacementChar;
      ++i;
      continue;
    }
    if (!map(cp, s.substr(i, len), &out)) out += kReplacementChar;
    i += len;
  }
  return out;
}

}  // namespace

std::string ToValidUtf8(std::string_view s) {
  return Transform(s, [](uint32_t, std::string_view bytes, std::string* out) {
    *out += bytes;
    return true;
  });
}

std::string ToXmlText(std::string_view s) {
  return Transform(
      s, [](uint32_t cp, std::string_view bytes, std::string* out) {
        const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD ||
                             (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
        if (!allowed) return false;
        *out += bytes;
        return true;
      });
}

bool AppendAmpLtGtEscaped(char c, std::string* out) {
  switch (c) {
    case '&':
      *out += "&amp;";
      return true;
    case '<':
      *out += "&lt;";
      return true;
    case '>':
      *out += "&gt;";
      return true;
    default:
      return false;
  }
}

std::string ToHtmlText(std::string_view s) {
  const std::string text = ToXmlText(s);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (AppendAmpLtGtEscaped(c, &out)) continue;
    switch (c) {
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ToSingleLine(std::string_view s) {
  return Transform(s,
                   [](uint32_t cp, std::string_view bytes, std::string* out) {
                     if (cp == '\t' || cp == '\n' || cp == '\r') {
                       *out += ' ';
                       return true;
                     }
                     if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
                     *out += bytes;
                     return true;
                   });
}

size_t DisplayWidth(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string TruncateDisplay(std::string_view utf8, size_t max_width) {
  if (DisplayWidth(utf8) <= max_width) return std::string(utf8);
  if (max_width == 0) return "";
  // Keep max_width - 1 code points, then the ellipsis.
  size_t kept = 0;
  size_t i = 0;
  while (i < utf8.size()) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      if (kept == max_width - 1) break;
      ++kept;
    }
    ++i;
  }
  return std::string(utf8.substr(0, i)) + "…";
}

std::vector<std::string> WrapDisplay(std::string_view utf8, size_t width) {
  std::vector<std::string> lines;
  if (width == 0 || DisplayWidth(utf8) <= width) {
    lines.emplace_back(utf8);
    return lines;
  }
  while (DisplayWidth(utf8) > width) {
    // Byte offset just past `width` code points, and the last blank before it.
    size_t end = 0;
    size_t blank = std::string_view::npos;
    for (size_t points = 0; end < utf8.size(); ++end) {
      if ((static_cast<unsigned char>(utf8[end]) & 0xC0) != 0x80) {
        if (points == width) break;
        ++points;
      }
      if (utf8[end] == ' ') blank = end;
    }
    // A blank as the (width+1)th character is a break too.
    if (end < utf8.size() && utf8[end] == ' ') blank = end;
    if (blank != std::string_view::npos && blank > 0) {
      lines.emplace_back(utf8.substr(0, blank));
      utf8.remove_prefix(blank + 1);
    } else {
      lines.emplace_back(utf8.substr(0, end));
      utf8.remove_prefix(end);
    }
  }
  if (!utf8.empty()) lines.emplace_back(utf8);
  return lines;
}

}  // namespace aurora
