#include "queries/json_pieces.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/line_col.h"
#include "base/strings.h"
#include "queries/json_document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

namespace aurora {
namespace {

constexpr unsigned kCheckFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNanAndInfFlag |
                                 rapidjson::kParseFullPrecisionFlag;
// Pieces were validated (UTF-8 included) by the first pass.
constexpr unsigned kPieceFlags =
    rapidjson::kParseNanAndInfFlag | rapidjson::kParseFullPrecisionFlag;

std::string EscapeKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// The first pass: a SAX handler that validates, bounds depth, cuts the
// split containers out of the text and records their elements' ranges.
class Splitter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Splitter> {
 public:
  struct Frame {
    bool array = false;
    size_t index = 0;      // arrays: elements completed so far
    std::string key;       // objects: the current member's name (escaped)
    std::string pointer;   // of this container
    bool split = false;
  };

  Splitter(std::string_view content, const rapidjson::MemoryStream& stream,
           std::vector<std::vector<std::string>> patterns)
      : content_(content), stream_(stream), patterns_(std::move(patterns)) {}

  bool Default() { return Completed(); }
  bool String(const char*, rapidjson::SizeType, bool) { return Completed(); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return Completed(); }
  bool StartObject() { return Start(false); }
  bool StartArray() { return Start(true); }
  bool EndObject(rapidjson::SizeType) { return End(); }
  bool EndArray(rapidjson::SizeType) { return End(); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    Frame& f = stack_.back();
    if (skip_ == 0 || stack_.size() == skip_) f.key = EscapeKey({s, n});
    if (f.split) {
      piece_begin_ = stream_.Tell();
      container_->keys.push_back(std::string(s, n));
    }
    return true;
  }

  bool too_deep() const { return too_deep_; }
  size_t too_deep_at() const { return too_deep_at_; }
  std::string TakeSkeleton() {
    skeleton_.append(content_.substr(copied_));
    return std::move(skeleton_);
  }
  std::map<std::string, JsonPieces::Container, std::less<>>& containers() {
    return containers_;
  }

 private:
  using Container = JsonPieces::Container;

  std::string ChildPointer() const {
    if (stack_.empty()) return "";
    const Frame& p = stack_.back();
    return absl::StrCat(p.pointer, "/", p.array ? absl::StrCat(p.index) : p.key);
  }

  bool Matches(std::string_view pointer) const {
    std::vector<absl::string_view> got =
        absl::StrSplit(absl::string_view(pointer.data(), pointer.size()), '/');
    for (const auto& pattern : patterns_) {
      if (pattern.size() != got.size()) continue;
      bool ok = true;
      for (size_t i = 0; ok && i < got.size(); ++i) {
        ok = pattern[i] == "*" || absl::string_view(pattern[i]) == got[i];
      }
      if (ok) return true;
    }
    return false;
  }

  bool Start(bool array) {
    if (stack_.size() + 1 > static_cast<size_t>(kMaxJsonDepth)) {
      too_deep_ = true;
      too_deep_at_ = stream_.Tell() - 1;
      return false;
    }
    Frame f;
    f.array = array;
    if (skip_ == 0) {
      f.pointer = ChildPointer();
      if (Matches(f.pointer)) {
        f.split = true;
        skip_ = stack_.size() + 1;
        skeleton_.append(content_.substr(copied_, stream_.Tell() - copied_));
        container_ = &containers_[f.pointer];
        piece_begin_ = stream_.Tell();
      }
    }
    stack_.push_back(std::move(f));
    return true;
  }

  bool End() {
    const bool split = stack_.back().split;
    const bool array = stack_.back().array;
    stack_.pop_back();
    if (split) {
      skeleton_.push_back(array ? ']' : '}');
      copied_ = stream_.Tell();
      skip_ = 0;
      container_ = nullptr;
    }
    return Completed();
  }

  // A value ended; its parent is stack_.back() (none for the root).
  bool Completed() {
    if (stack_.empty()) return true;
    Frame& p = stack_.back();
    if (p.split) {
      container_->pieces.push_back({piece_begin_, stream_.Tell()});
      piece_begin_ = stream_.Tell();
    }
    if (p.array) ++p.index;
    return true;
  }

  std::string_view content_;
  const rapidjson::MemoryStream& stream_;
  std::vector<std::vector<std::string>> patterns_;
  std::vector<Frame> stack_;
  size_t skip_ = 0;  // depth of the split container being read, 0 = none
  Container* container_ = nullptr;
  size_t piece_begin_ = 0;
  size_t copied_ = 0;
  std::string skeleton_;
  std::map<std::string, Container, std::less<>> containers_;
  bool too_deep_ = false;
  size_t too_deep_at_ = 0;
};

}  // namespace

JsonPieces::Scratch::Scratch()
    : pool_(buffer_, sizeof(buffer_)), doc_(&pool_) {}

std::string JsonPieces::Append(std::string_view pointer, std::string_view key) {
  return absl::StrCat(Sv(pointer), "/", EscapeKey(key));
}

absl::StatusOr<JsonPieces> JsonPieces::Parse(
    std::string_view content, std::string_view name,
    const std::vector<std::string>& split) {
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") {
    content.remove_prefix(3);
  }
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": empty file, expected a JSON document"));
  }
  std::vector<std::vector<std::string>> patterns;
  for (const std::string& p : split) {
    patterns.push_back(absl::StrSplit(p, '/'));
  }
  rapidjson::MemoryStream stream(content.data(), content.size());
  Splitter splitter(content, stream, std::move(patterns));
  rapidjson::Reader reader;
  rapidjson::ParseResult ok = reader.Parse<kCheckFlags>(stream, splitter);
  if (splitter.too_deep()) {
    auto [line, col] = LineColAt(content, splitter.too_deep_at());
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": JSON nested deeper than ", kMaxJsonDepth,
                     " levels at line ", line, ", column ", col));
  }
  if (!ok) {
    auto [line, col] = LineColAt(content, ok.Offset());
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(name), ": invalid JSON at line ", line, ", column ", col, ": ",
        rapidjson::GetParseError_En(ok.Code())));
  }
  JsonPieces out;
  out.content_ = content;
  out.containers_ = std::move(splitter.containers());
  const std::string skeleton = splitter.TakeSkeleton();
  out.skeleton_ = std::make_unique<rapidjson::Document>();
  out.skeleton_->Parse<kPieceFlags>(skeleton.data(), skeleton.size());
  if (out.skeleton_->HasParseError()) {  // not expected: the text was valid
    return absl::InternalError(absl::StrCat(
        Sv(name), ": JSON skeleton did not parse: ",
        rapidjson::GetParseError_En(out.skeleton_->GetParseError())));
  }
  return out;
}

size_t JsonPieces::Count(std::string_view pointer) const {
  auto it = containers_.find(pointer);
  return it == containers_.end() ? 0 : it->second.pieces.size();
}

const std::string& JsonPieces::Key(std::string_view pointer, size_t i) const {
  static const std::string* kNone = new std::string;
  auto it = containers_.find(pointer);
  if (it == containers_.end() || i >= it->second.keys.size()) return *kNone;
  return it->second.keys[i];
}

const rapidjson::Value& JsonPieces::Piece(std::string_view pointer, size_t i,
                                          Scratch& scratch) const {
  scratch.doc_.SetNull();
  scratch.pool_.Clear();
  auto it = containers_.find(pointer);
  if (it == containers_.end() || i >= it->second.pieces.size()) {
    return scratch.doc_;
  }
  const Range r = it->second.pieces[i];
  std::string_view text = content_.substr(r.begin, r.end - r.begin);
  const size_t start = text.find_first_not_of(" \t\r\n,:");
  text.remove_prefix(start == std::string_view::npos ? text.size() : start);
  scratch.doc_.Parse<kPieceFlags>(text.data(), text.size());
  if (scratch.doc_.HasParseError()) scratch.doc_.SetNull();  // not expected
  return scratch.doc_;
}

}  // namespace aurora
