// File: base/line_col.h
// The one line/column computation for error messages (file:line:col): every
// reader that reports a byte offset converts it here.
#ifndef AURORA_BASE_LINE_COL_H_
#define AURORA_BASE_LINE_COL_H_

#include <cstddef>
#include <string_view>

namespace aurora {

struct LineCol {
  size_t line = 1;  // 1-based
  size_t col = 1;   // 1-based, in bytes
};

// Line and column of byte `offset` in `text` (an offset past the end counts
// up to the end). Pure.
inline LineCol LineColAt(std::string_view text, size_t offset) {
  LineCol at;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.col = 1;
    } else {
      ++at.col;
    }
  }
  return at;
}

}  // namespace aurora

#endif  // AURORA_BASE_LINE_COL_H_
