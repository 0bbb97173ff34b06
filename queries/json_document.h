// File: queries/json_document.h
// Safe JSON loading for artifact readers (RapidJSON): validates UTF-8,
// accepts a UTF-8 BOM and Python's NaN/Infinity, bounds nesting depth, and
// reports errors with the file name and line:column.
#ifndef AURORA_QUERIES_JSON_DOCUMENT_H_
#define AURORA_QUERIES_JSON_DOCUMENT_H_

#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace aurora {

inline constexpr int kMaxJsonDepth = 256;

// Parses `content` (the bytes of file `name`). Returns InvalidArgument
// "NAME: invalid JSON at line L, column C: WHY", "NAME: empty file",
// "NAME: JSON nested deeper than 256 levels at line L, column C". Pure.
absl::StatusOr<std::unique_ptr<rapidjson::Document>> ParseJson(
    std::string_view content, std::string_view name);

// What a value is, for messages: "an object", "an array", "a string",
// "a boolean", "null", "a number".
const char* JsonTypeName(const rapidjson::Value& v);

// Number of a JSON value (int, float); nullopt for anything else.
std::optional<double> JsonNumber(const rapidjson::Value& v);

}  // namespace aurora

#endif  // AURORA_QUERIES_JSON_DOCUMENT_H_
