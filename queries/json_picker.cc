#include "queries/json_picker.h"

#include <cmath>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "queries/json_document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "re2/re2.h"

namespace aurora {
namespace {

// RFC 6901 array index: "0" or digits without a leading zero.
std::optional<rapidjson::SizeType> ArrayIndex(const std::string& token) {
  if (token.empty() || token.size() > 9) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return static_cast<rapidjson::SizeType>(std::stoul(token));
}

// The escaped form of a token in a path.
std::string EscapeToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Walk(const rapidjson::Value& v, const JsonPointer& pointer, size_t depth,
          const std::string& path, std::vector<PickedJson>* out) {
  if (depth == pointer.tokens.size()) {
    out->push_back({&v, path});
    return;
  }
  const JsonPointerToken& t = pointer.tokens[depth];
  if (v.IsArray()) {
    if (t.wildcard) {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        Walk(v[i], pointer, depth + 1, absl::StrCat(path, "/", i), out);
      }
    } else if (auto i = ArrayIndex(t.key); i && *i < v.Size()) {
      Walk(v[*i], pointer, depth + 1, absl::StrCat(path, "/", *i), out);
    }
  } else if (v.IsObject()) {
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      std::string_view name(m->name.GetString(), m->name.GetStringLength());
      if (t.wildcard || name == t.key) {
        Walk(m->value, pointer, depth + 1,
             absl::StrCat(path, "/", EscapeToken(name)), out);
        if (!t.wildcard) break;  // the first of duplicate names, as RapidJSON
      }
    }
  }
}

std::string JsonText(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>,
                    rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteNanAndInfFlag>
      w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// A string holding a number: decimal, exponent, NaN, Inf, +Inf, -Inf.
std::optional<double> NumberInString(std::string_view s) {
  absl::string_view t = absl::StripAsciiWhitespace(Sv(s));
  double d = 0;
  if (t.empty() || !absl::SimpleAtod(t, &d)) return std::nullopt;
  return d;
}

std::string Where(const JsonDoc& doc, const std::string& path) {
  std::string p = path.empty() ? "the document" : path;
  return doc.where.empty() ? p : absl::StrCat(doc.where, ": ", p);
}

}  // namespace

std::vector<PickedJson> PickJson(const rapidjson::Value& doc,
                                 const JsonPointer& pointer) {
  std::vector<PickedJson> out;
  Walk(doc, pointer, 0, "", &out);
  return out;
}

absl::StatusOr<std::optional<double>> PickAndReduce(
    const std::vector<JsonDoc>& docs, const JsonValueSpec& spec) {
  std::optional<RE2> re;
  if (!spec.match.empty()) {
    re.emplace(spec.match, RE2::Quiet);
    if (!re->ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "match: invalid regular expression: ", re->error()));
    }
  }
  const std::string name = JsonReduceName(spec.reduce);
  size_t count = 0;
  std::set<std::string> distinct;
  double sum = 0, min = std::numeric_limits<double>::infinity(),
         max = -std::numeric_limits<double>::infinity();
  bool nan = false;
  std::string first_where;
  for (const JsonDoc& doc : docs) {
    for (const PickedJson& p : PickJson(*doc.root, spec.pointer)) {
      const rapidjson::Value& v = *p.value;
      if (v.IsNull()) continue;
      if (re.has_value()) {
        if (!v.IsString() ||
            !RE2::FullMatch(std::string_view(v.GetString(), v.GetStringLength()),
                            *re)) {
          continue;
        }
      }
      ++count;
      if (spec.reduce == JsonReduce::kCount) continue;
      if (spec.reduce == JsonReduce::kCountDistinct) {
        distinct.insert(JsonText(v));
        continue;
      }
      if (spec.reduce == JsonReduce::kSingle && count > 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            "pointer \"", spec.pointer.text, "\" picked more than one value (",
            first_where, " and ", Where(doc, p.path),
            "): add reduce: count, count_distinct, sum, min, max or avg"));
      }
      if (count == 1) first_where = Where(doc, p.path);
      std::optional<double> d;
      if (v.IsNumber()) {
        d = v.GetDouble();
      } else if (v.IsBool()) {
        d = v.GetBool() ? 1.0 : 0.0;
      } else if (v.IsString()) {
        d = NumberInString(std::string_view(v.GetString(), v.GetStringLength()));
      }
      if (!d.has_value()) {
        std::string shown = JsonText(v);
        if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
        return absl::InvalidArgumentError(absl::StrCat(
            name, " of \"", spec.pointer.text, "\": ", Where(doc, p.path),
            " is ", JsonTypeName(v), " (", shown,
            "), not a number; ", name,
            " takes numbers, numeric strings and booleans (count and "
            "count_distinct take any value)"));
      }
      if (std::isnan(*d)) nan = true;
      sum += *d;
      min = std::min(min, *d);
      max = std::max(max, *d);
    }
  }
  switch (spec.reduce) {
    case JsonReduce::kCount:
      return static_cast<double>(count);
    case JsonReduce::kCountDistinct:
      return static_cast<double>(distinct.size());
    default:
      break;
  }
  if (count == 0) return std::optional<double>();
  if (nan) return std::numeric_limits<double>::quiet_NaN();
  switch (spec.reduce) {
    case JsonReduce::kSingle:
    case JsonReduce::kSum:
      return sum;
    case JsonReduce::kMin:
      return min;
    case JsonReduce::kMax:
      return max;
    case JsonReduce::kAvg:
      return sum / static_cast<double>(count);
    default:
      return std::optional<double>();
  }
}

}  // namespace aurora
