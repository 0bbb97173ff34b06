// File: base/utf8.h
// UTF-8 validity check shared by the artifact readers: finds the first byte
// that does not start a valid UTF-8 sequence (overlong forms, surrogates and
// code points beyond U+10FFFF are invalid). ASCII is skipped 8 bytes at a time.
#ifndef AURORA_BASE_UTF8_H_
#define AURORA_BASE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace aurora {

// Offset of the first invalid UTF-8 sequence in `text`, or npos. Pure.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace aurora

#endif  // AURORA_BASE_UTF8_H_
