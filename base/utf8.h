// File: base/utf8.h
// The one UTF-8 module: decoding a code point, validating a text (overlong
// forms, surrogates and code points beyond U+10FFFF are invalid), encoding.
// Used by the expression lexer, the XML scanner, the artifact readers and the
// reports' text escaping.
#ifndef AURORA_BASE_UTF8_H_
#define AURORA_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aurora {

// Decodes the code point at s[i] (i < s.size()) into *cp; returns its length
// in bytes (1-4), or 0 when the bytes there are not a valid UTF-8 sequence.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp);

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  uint32_t cp;
  return DecodeUtf8(s, i, &cp);
}

// Offset of the first invalid UTF-8 sequence in `text`, or npos. ASCII is
// skipped 8 bytes at a time. Pure.
size_t FindInvalidUtf8(std::string_view text);

// Appends the UTF-8 encoding of `cp` (at most U+10FFFF) to *out.
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace aurora

#endif  // AURORA_BASE_UTF8_H_
