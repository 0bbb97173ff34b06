// File: queries/json_pieces.h
// A large JSON artifact read in pieces, so its whole DOM never exists: the
// elements of chosen arrays (or members of chosen objects) are kept as byte
// ranges of the text and parsed one at a time into a reused scratch
// document; everything else is parsed once into a small "skeleton" DOM.
// A 100 MB SARIF log thus costs its text plus one result's DOM, not 4-5x
// the file. Same validation, depth limit and error messages as ParseJson.
#ifndef AURORA_QUERIES_JSON_PIECES_H_
#define AURORA_QUERIES_JSON_PIECES_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace aurora {

class JsonPieces {
 public:
  // Reusable storage for one piece's DOM; a piece returned by Piece() lives
  // until the next Piece() call with the same scratch.
  class Scratch {
   public:
    Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class JsonPieces;
    // Small pieces live in `buffer_` (no malloc/free per piece).
    alignas(8) char buffer_[64 * 1024];
    rapidjson::MemoryPoolAllocator<> pool_;
    rapidjson::Document doc_;
  };

  // Parses `content` (the bytes of file `name`, which must outlive the
  // result) once. `split` lists JSON pointers whose containers are split,
  // '*' standing for any one key or index: {"/runs/*/results", "/files"}.
  // In the skeleton those containers are empty ([] or {}); their elements
  // are the pieces. Containers inside a split one are not split again.
  // Errors as ParseJson: "NAME: invalid JSON at line L, column C: WHY",
  // "NAME: empty file…", "NAME: JSON nested deeper than 256 levels…".
  static absl::StatusOr<JsonPieces> Parse(std::string_view content,
                                          std::string_view name,
                                          const std::vector<std::string>& split);

  const rapidjson::Value& skeleton() const { return *skeleton_; }

  // Pieces of the split container at `pointer` (RFC 6901, "/runs/0/results";
  // '/' and '~' in keys escaped as ~1 and ~0): 0 when there is none.
  size_t Count(std::string_view pointer) const;
  // The member name of piece `i` of a split object ("" for arrays).
  const std::string& Key(std::string_view pointer, size_t i) const;
  // Piece `i` (< Count(pointer)) parsed into `scratch`.
  const rapidjson::Value& Piece(std::string_view pointer, size_t i,
                                Scratch& scratch) const;

  // "/a/b" + "c/d" -> "/a/b/c~1d" (RFC 6901 escaping of one key).
  static std::string Append(std::string_view pointer, std::string_view key);

  // Where the pieces of one split container are (for the parser).
  struct Range {
    size_t begin = 0, end = 0;
  };
  struct Container {
    std::vector<Range> pieces;
    std::vector<std::string> keys;  // object members only
  };

 private:
  std::string_view content_;
  std::unique_ptr<rapidjson::Document> skeleton_;
  std::map<std::string, Container, std::less<>> containers_;
};

}  // namespace aurora

#endif  // AURORA_QUERIES_JSON_PIECES_H_
