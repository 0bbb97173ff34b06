// File: rules/alert_template.cc
// Over ~700 lines on purpose: one interpreter for the Go text/template subset
// of rules/alert_template.h. Its values, lexer, parser and executor share
// node and value types private to this file, and each section below mirrors
// one file of Go's text/template (lex.go, parse.go, exec.go, funcs.go) so a
// behaviour can be checked against its source side by side.
#include "rules/alert_template.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "base/strings.h"
#include "re2/re2.h"

// Formats given at run time (printf, %.4g with a unit) are Go verbs checked
// here before they reach snprintf.
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

namespace aurora {

// ------------------------------------------------------------------ values

namespace {

// A Go value as templates see it.
struct Val {
  enum Kind { kNil, kStr, kFloat, kInt, kBool, kMap, kData } k = kNil;
  std::string s;
  double f = 0;
  int64_t i = 0;
  bool b = false;
  const std::map<std::string, std::string>* m = nullptr;

  static Val Str(std::string v) { Val x; x.k = kStr; x.s = std::move(v); return x; }
  static Val Float(double v) { Val x; x.k = kFloat; x.f = v; return x; }
  static Val Int(int64_t v) { Val x; x.k = kInt; x.i = v; return x; }
  static Val Bool(bool v) { Val x; x.k = kBool; x.b = v; return x; }
  static Val Map(const std::map<std::string, std::string>* v) {
    Val x; x.k = kMap; x.m = v; return x;
  }
};

std::string TypeName(const Val& v) {
  switch (v.k) {
    case Val::kNil: return "<nil>";
    case Val::kStr: return "string";
    case Val::kFloat: return "float64";
    case Val::kInt: return "int";
    case Val::kBool: return "bool";
    case Val::kMap: return "map[string]string";
    case Val::kData: return "struct";
  }
  return "?";
}

// Go's %v.
std::string Sprint(const Val& v) {
  switch (v.k) {
    case Val::kNil: return "<nil>";
    case Val::kStr: return v.s;
    case Val::kFloat: return GoFloatString(v.f);
    case Val::kInt: return absl::StrCat(v.i);
    case Val::kBool: return v.b ? "true" : "false";
    case Val::kMap: {
      std::vector<std::string> parts;
      for (const auto& [k, x] : *v.m) parts.push_back(absl::StrCat(k, ":", x));
      return absl::StrCat("map[", absl::StrJoin(parts, " "), "]");
    }
    case Val::kData: return "{...}";
  }
  return "";
}

bool Truth(const Val& v) {
  switch (v.k) {
    case Val::kNil: return false;
    case Val::kStr: return !v.s.empty();
    case Val::kFloat: return v.f != 0;
    case Val::kInt: return v.i != 0;
    case Val::kBool: return v.b;
    case Val::kMap: return !v.m->empty();
    case Val::kData: return true;
  }
  return false;
}

absl::Status ExecError(std::string_view what) {
  return absl::InvalidArgumentError(Sv(what));
}

// Prometheus' convertToFloat: numbers, and strings that parse as floats.
absl::StatusOr<double> ToFloat(const Val& v) {
  switch (v.k) {
    case Val::kFloat: return v.f;
    case Val::kInt: return static_cast<double>(v.i);
    case Val::kStr: {
      std::string t(v.s);
      if (t == "NaN") return std::nan("");
      if (t == "+Inf" || t == "Inf") return HUGE_VAL;
      if (t == "-Inf") return -HUGE_VAL;
      char* end = nullptr;
      double d = std::strtod(t.c_str(), &end);
      if (!t.empty() && end == t.c_str() + t.size()) return d;
      return ExecError(absl::StrCat("strconv.ParseFloat: parsing \"", t,
                                    "\": invalid syntax"));
    }
    default:
      return ExecError(absl::StrCat("can't convert ", TypeName(v), " to float"));
  }
}

// C's %.<prec><verb> for finite values; Go's NaN / ±Inf spelling.
std::string CFormat(std::string_view spec, double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::string f(spec);
  int n = std::snprintf(buf, sizeof buf, f.c_str(), v);
  return n < 0 ? std::string() : std::string(buf, std::min<size_t>(n, sizeof buf - 1));
}

std::string Humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return CFormat("%.4g", v);
  static const char* kBig[] = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
  static const char* kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y"};
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : kBig) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const char* p : kSmall) {
      if (std::fabs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return CFormat("%.4g", v) + prefix;
}

std::string Humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return CFormat("%.4g", v);
  static const char* kBig[] = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  std::string prefix;
  for (const char* p : kBig) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return CFormat("%.4g", v) + prefix;
}

std::string HumanizeDuration(double v) {
  if (std::isnan(v) || std::isinf(v)) return CFormat("%.4g", v);
  if (v == 0) return CFormat("%.4g", v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    // Past int64 seconds Go's conversion is undefined too: no d/h/m split.
    if (v >= 9.2e18) return absl::StrCat(sign, CFormat("%.4g", v), "s");
    int64_t whole = static_cast<int64_t>(v);
    int64_t seconds = whole % 60, minutes = (whole / 60) % 60,
            hours = (whole / 3600) % 24, days = whole / 86400;
    if (days != 0) {
      return absl::StrCat(sign, days, "d ", hours, "h ", minutes, "m ", seconds, "s");
    }
    if (hours != 0) return absl::StrCat(sign, hours, "h ", minutes, "m ", seconds, "s");
    if (minutes != 0) return absl::StrCat(sign, minutes, "m ", seconds, "s");
    return absl::StrCat(sign, CFormat("%.4g", v), "s");
  }
  static const char* kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y"};
  std::string prefix;
  for (const char* p : kSmall) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return CFormat("%.4g", v) + prefix + "s";
}

// Go's time.Time.String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC".
std::string HumanizeTimestamp(double v) {
  if (std::isnan(v) || std::isinf(v)) return CFormat("%.4g", v);
  // model.TimeFromUnixNano: millisecond resolution.
  const double nanos = v * 1e9;
  if (nanos > 9.2e18 || nanos < -9.2e18) return CFormat("%.4g", v);
  absl::Time t = absl::FromUnixMillis(static_cast<int64_t>(nanos) / 1000000);
  std::string out = absl::FormatTime("%Y-%m-%d %H:%M:%E*S", t, absl::UTCTimeZone());
  return out + " +0000 UTC";
}

// Go's strings.Title: upper-cases the first letter of each word.
std::string Title(std::string s) {
  bool start = true;
  for (char& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    bool word = absl::ascii_isalnum(u) || c == '_' || u >= 0x80;
    if (word && start) c = absl::ascii_toupper(u);
    start = !word;
  }
  return s;
}

// net.SplitHostPort, loosely: "host:port" and "[v6]:port".
bool SplitHostPort(const std::string& hp, std::string* host, std::string* port) {
  if (!hp.empty() && hp[0] == '[') {
    size_t close = hp.find(']');
    if (close == std::string::npos || close + 1 >= hp.size() || hp[close + 1] != ':') {
      return false;
    }
    *host = hp.substr(1, close - 1);
    *port = hp.substr(close + 2);
    return true;
  }
  size_t colon = hp.rfind(':');
  if (colon == std::string::npos || hp.find(':') != colon) return false;
  *host = hp.substr(0, colon);
  *port = hp.substr(colon + 1);
  return true;
}

bool LooksLikeIp(const std::string& h) {
  if (h.find(':') != std::string::npos) return true;
  int dots = 0;
  for (char c : h) {
    if (c == '.') ++dots;
    else if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

// Go's fmt.Sprintf for the verbs templates use.
std::string GoSprintf(std::string_view format, const std::vector<Val>& args) {
  std::string out;
  size_t next = 0;
  auto bad = [](char verb, const Val& v) {
    return absl::StrCat("%!", std::string(1, verb), "(", TypeName(v), "=", Sprint(v), ")");
  };
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    size_t j = i + 1;
    std::string flags;
    while (j < format.size() && std::string_view("-+# 0").find(format[j]) != std::string_view::npos) {
      flags.push_back(format[j++]);
    }
    std::string width, prec;
    bool has_prec = false;
    while (j < format.size() && absl::ascii_isdigit(static_cast<unsigned char>(format[j]))) {
      width.push_back(format[j++]);
    }
    if (j < format.size() && format[j] == '.') {
      has_prec = true;
      ++j;
      while (j < format.size() && absl::ascii_isdigit(static_cast<unsigned char>(format[j]))) {
        prec.push_back(format[j++]);
      }
    }
    if (j >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char verb = format[j];
    i = j;
    if (verb == '%') {
      out.push_back('%');
      continue;
    }
    if (next >= args.size()) {
      absl::StrAppend(&out, "%!", std::string(1, verb), "(MISSING)");
      continue;
    }
    const Val& a = args[next++];
    std::string spec = absl::StrCat("%", flags, width, has_prec ? "." : "", prec);
    switch (verb) {
      case 'v':
        out += a.k == Val::kFloat && has_prec ? CFormat(spec + "g", a.f) : Sprint(a);
        break;
      case 's':
        if (a.k == Val::kStr) {
          std::string s = a.s;
          if (has_prec) s = s.substr(0, std::strtoul(prec.c_str(), nullptr, 10));
          char buf[16];
          (void)buf;
          size_t w = width.empty() ? 0 : std::strtoul(width.c_str(), nullptr, 10);
          if (s.size() < w) {
            std::string pad(w - s.size(), ' ');
            s = flags.find('-') != std::string::npos ? s + pad : pad + s;
          }
          out += s;
        } else if (a.k == Val::kMap || a.k == Val::kNil) {
          out += Sprint(a);
        } else {
          out += bad(verb, a);
        }
        break;
      case 'q':
        if (a.k == Val::kStr) {
          out += "\"";
          for (char ch : a.s) {
            if (ch == '"' || ch == '\\') out.push_back('\\');
            if (ch == '\n') { out += "\\n"; continue; }
            out.push_back(ch);
          }
          out += "\"";
        } else {
          out += bad(verb, a);
        }
        break;
      case 'd':
        if (a.k == Val::kInt) {
          char buf[64];
          std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), static_cast<long long>(a.i));
          out += buf;
        } else {
          out += bad(verb, a);
        }
        break;
      case 't':
        out += a.k == Val::kBool ? Sprint(a) : bad(verb, a);
        break;
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
        if (a.k == Val::kFloat) {
          out += CFormat(spec + std::string(1, verb), a.f);
        } else {
          out += bad(verb, a);
        }
        break;
      case 'x': case 'X':
        if (a.k == Val::kInt) {
          char buf[64];
          std::snprintf(buf, sizeof buf, (spec + "ll" + std::string(1, verb)).c_str(),
                        static_cast<long long>(a.i));
          out += buf;
        } else if (a.k == Val::kStr) {
          for (unsigned char ch : a.s) {
            char buf[4];
            std::snprintf(buf, sizeof buf, verb == 'x' ? "%02x" : "%02X", ch);
            out += buf;
          }
        } else {
          out += bad(verb, a);
        }
        break;
      default:
        out += bad(verb, a);
    }
  }
  if (next < args.size()) {
    std::vector<std::string> extra;
    for (size_t k = next; k < args.size(); ++k) {
      extra.push_back(absl::StrCat(TypeName(args[k]), "=", Sprint(args[k])));
    }
    absl::StrAppend(&out, "%!(EXTRA ", absl::StrJoin(extra, ", "), ")");
  }
  return out;
}

// Go's fmt.Sprint: a space between operands when neither is a string.
std::string GoSprint(const std::vector<Val>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0 && args[i].k != Val::kStr && args[i - 1].k != Val::kStr) out += " ";
    out += Sprint(args[i]);
  }
  return out;
}

// Go's $1 / ${1} / $$ replacement syntax in RE2's (\1, \\).
absl::StatusOr<std::string> GoReplacement(std::string_view repl) {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c == '\\') {
      out += "\\\\";
      continue;
    }
    if (c != '$') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < repl.size() && repl[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    size_t j = i + 1;
    bool braced = j < repl.size() && repl[j] == '{';
    if (braced) ++j;
    std::string name;
    while (j < repl.size() && (absl::ascii_isalnum(static_cast<unsigned char>(repl[j])) ||
                               repl[j] == '_')) {
      name.push_back(repl[j++]);
    }
    if (braced) {
      if (j >= repl.size() || repl[j] != '}') {
        out.push_back('$');
        continue;
      }
      ++j;
    }
    bool digits = !name.empty();
    for (char d : name) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(d));
    if (!digits || name.size() > 1) {
      if (name.empty()) {
        out.push_back('$');
        continue;
      }
      return absl::UnimplementedError(absl::StrCat(
          "reReplaceAll: the replacement group \"$", name,
          "\" (named or above $9) is not supported by aurora-gate"));
    }
    absl::StrAppend(&out, "\\", name);
    i = j - 1;
  }
  return out;
}

// ------------------------------------------------------------------ parsing

}  // namespace

namespace alert_template_internal {
struct Arg;
struct Cmd {
  std::vector<Arg> args;
};
struct Pipe {
  std::string decl;  // variable declared or assigned, "" when none
  std::vector<Cmd> cmds;
};
struct Arg {
  enum Kind { kField, kIdent, kString, kInt, kFloat, kBool, kNil, kPipe } kind;
  std::string base;                 // kField: "" (dot) or "$name"; kIdent name
  std::vector<std::string> fields;  // kField chain
  std::string s;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::shared_ptr<Pipe> pipe;       // kPipe
};

}  // namespace alert_template_internal
using alert_template_internal::Arg;
using alert_template_internal::Cmd;
using alert_template_internal::Pipe;

struct AlertTemplate::Node {
  enum Kind { kList, kText, kAction, kIf, kWith } kind = kList;
  std::string text;
  Pipe pipe;
  std::vector<std::shared_ptr<Node>> list;  // kList
  std::shared_ptr<Node> then, otherwise;    // kIf, kWith
};

namespace {

using Node = AlertTemplate::Node;

std::string_view Strip(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const std::set<std::string>& SupportedFunctions() {
  static const std::set<std::string> kFns = {
      "printf", "print", "println", "humanize", "humanize1024",
      "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
      "toUpper", "toLower", "title", "reReplaceAll", "match", "stripPort",
      "stripDomain", "safeHtml", "eq", "ne", "lt", "le", "gt", "ge", "and",
      "or", "not", "len", "index", "externalURL", "pathPrefix"};
  return kFns;
}

bool IsGoFunction(const std::string& name) {
  static const std::set<std::string> kKnown = {
      "query", "first", "label", "value", "strvalue", "sortByLabel", "args",
      "tmpl", "graphLink", "tableLink", "parseDuration", "toTime",
      "toDuration", "now", "urlquery", "html", "js", "call", "slice"};
  return kKnown.count(name) > 0;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {
    scopes_.push_back({"$", "$labels", "$externalLabels", "$externalURL", "$value"});
  }

  absl::StatusOr<std::shared_ptr<Node>> Run() {
    std::string end;
    absl::StatusOr<std::shared_ptr<Node>> list = ParseList(&end);
    if (!list.ok()) return list;
    if (!end.empty()) return Err(absl::StrCat("unexpected {{", end, "}}"));
    return list;
  }

 private:
  absl::Status Err(std::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat("template: ", Sv(why)));
  }
  absl::Status Unsupported(std::string_view what) const {
    return absl::UnimplementedError(absl::StrCat(
        "template: ", Sv(what), " is not supported by aurora-gate's template "
        "subset"));
  }

  // Reads the next piece: text (appended to the list) or an action's inner
  // text (returned). Handles trim markers and comments.
  struct Piece {
    bool action = false;
    std::string text;
  };
  std::optional<Piece> Next() {
    if (pos_ >= text_.size()) return std::nullopt;
    size_t open = text_.find("{{", pos_);
    if (open != pos_) {
      Piece p;
      p.text = std::string(text_.substr(pos_, open == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : open - pos_));
      pos_ = open == std::string_view::npos ? text_.size() : open;
      if (trim_next_) {
        size_t k = 0;
        while (k < p.text.size() && absl::ascii_isspace(static_cast<unsigned char>(p.text[k]))) ++k;
        p.text.erase(0, k);
      }
      trim_next_ = false;
      if (pos_ + 3 < text_.size() && text_.substr(pos_, 3) == "{{-" &&
          absl::ascii_isspace(static_cast<unsigned char>(text_[pos_ + 3]))) {
        while (!p.text.empty() && absl::ascii_isspace(static_cast<unsigned char>(p.text.back()))) {
          p.text.pop_back();
        }
      }
      return p;
    }
    trim_next_ = false;
    size_t start = pos_ + 2;
    if (start + 1 < text_.size() && text_[start] == '-' &&
        absl::ascii_isspace(static_cast<unsigned char>(text_[start + 1]))) {
      start += 2;
    }
    // Find the closing "}}" outside quotes.
    size_t k = start;
    char quote = 0;
    for (; k + 1 < text_.size(); ++k) {
      char c = text_[k];
      if (quote) {
        if (c == '\\' && quote == '"') { ++k; continue; }
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '`' || c == '\'') { quote = c; continue; }
      if (c == '}' && text_[k + 1] == '}') break;
    }
    if (k + 1 >= text_.size()) {
      error_ = Err("unclosed action");
      pos_ = text_.size();
      return std::nullopt;
    }
    size_t stop = k;
    if (stop >= 2 && text_[stop - 1] == '-' &&
        absl::ascii_isspace(static_cast<unsigned char>(text_[stop - 2]))) {
      stop -= 2;
      trim_next_ = true;
    }
    Piece p;
    p.action = true;
    p.text = std::string(text_.substr(start, stop > start ? stop - start : 0));
    pos_ = k + 2;
    return p;
  }

  // Parses nodes until {{end}} / {{else ...}} (returned in `end`) or EOF.
  absl::StatusOr<std::shared_ptr<Node>> ParseList(std::string* end) {
    auto list = std::make_shared<Node>();
    list->kind = Node::kList;
    while (true) {
      std::optional<Piece> piece = Next();
      if (!error_.ok()) return error_;
      if (!piece) return list;
      if (!piece->action) {
        auto t = std::make_shared<Node>();
        t->kind = Node::kText;
        t->text = std::move(piece->text);
        list->list.push_back(std::move(t));
        continue;
      }
      std::string_view a = Strip(piece->text);
      if (a.starts_with("/*")) {
        if (!a.ends_with("*/")) return Err("unclosed comment");
        continue;
      }
      std::string word = FirstWord(a);
      if (word == "end" || word == "else") {
        *end = std::string(a);
        return list;
      }
      if (word == "if" || word == "with") {
        absl::StatusOr<std::shared_ptr<Node>> n =
            ParseControl(word == "if" ? Node::kIf : Node::kWith, a.substr(word.size()));
        if (!n.ok()) return n.status();
        list->list.push_back(*std::move(n));
        continue;
      }
      if (word == "range" || word == "define" || word == "template" ||
          word == "block" || word == "break" || word == "continue") {
        return Unsupported(absl::StrCat("{{", word, "}}"));
      }
      auto n = std::make_shared<Node>();
      n->kind = Node::kAction;
      absl::Status st = ParsePipe(a, /*allow_decl=*/true, &n->pipe);
      if (!st.ok()) return st;
      list->list.push_back(std::move(n));
    }
  }

  absl::StatusOr<std::shared_ptr<Node>> ParseControl(Node::Kind kind,
                                                     std::string_view rest) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    scopes_.emplace_back();
    absl::Status st = ParsePipe(Strip(rest), true, &n->pipe);
    if (!st.ok()) return st;
    if (n->pipe.cmds.empty()) {
      return Err(absl::StrCat("missing value for ", kind == Node::kIf ? "if" : "with"));
    }
    std::string end;
    absl::StatusOr<std::shared_ptr<Node>> then = ParseList(&end);
    if (!then.ok()) return then.status();
    n->then = *then;
    scopes_.pop_back();
    if (end.empty()) return Err("unexpected EOF: missing {{end}}");
    if (end == "end") return n;
    std::string_view rest_else = Strip(std::string_view(end).substr(4));
    if (rest_else.empty()) {
      std::string end2;
      absl::StatusOr<std::shared_ptr<Node>> other = ParseList(&end2);
      if (!other.ok()) return other.status();
      if (end2 != "end") return Err("expected {{end}} after {{else}}");
      n->otherwise = *other;
      return n;
    }
    // {{else if ...}} / {{else with ...}}: a nested control sharing the end.
    std::string w = FirstWord(rest_else);
    if (w != "if" && w != "with") return Err(absl::StrCat("unexpected {{", end, "}}"));
    absl::StatusOr<std::shared_ptr<Node>> nested =
        ParseControl(w == "if" ? Node::kIf : Node::kWith, rest_else.substr(w.size()));
    if (!nested.ok()) return nested.status();
    auto wrap = std::make_shared<Node>();
    wrap->kind = Node::kList;
    wrap->list.push_back(*nested);
    n->otherwise = wrap;
    return n;
  }

  static std::string FirstWord(std::string_view a) {
    size_t k = 0;
    while (k < a.size() && (absl::ascii_isalnum(static_cast<unsigned char>(a[k])) || a[k] == '_')) ++k;
    return std::string(a.substr(0, k));
  }

  bool Declared(const std::string& v) const {
    for (const auto& scope : scopes_) {
      if (scope.count(v)) return true;
    }
    return false;
  }

  // Tokens of an action: words, strings, punctuation.
  absl::Status Tokenize(std::string_view a, std::vector<std::string>* out) const {
    size_t k = 0;
    while (k < a.size()) {
      char c = a[k];
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) { ++k; continue; }
      if (c == '"' || c == '`' || c == '\'') {
        size_t j = k + 1;
        for (; j < a.size() && a[j] != c; ++j) {
          if (c != '`' && a[j] == '\\') ++j;
        }
        if (j >= a.size()) return Err("unterminated quoted string");
        out->push_back(std::string(a.substr(k, j - k + 1)));
        k = j + 1;
        continue;
      }
      if (c == '|' || c == '(' || c == ')' || c == ',') {
        out->push_back(std::string(1, c));
        ++k;
        continue;
      }
      if (c == ':' && k + 1 < a.size() && a[k + 1] == '=') {
        out->push_back(":=");
        k += 2;
        continue;
      }
      if (c == '=') {
        out->push_back("=");
        ++k;
        continue;
      }
      size_t j = k;
      while (j < a.size() && !absl::ascii_isspace(static_cast<unsigned char>(a[j])) &&
             std::string_view("|(),\"`'=").find(a[j]) == std::string_view::npos &&
             !(a[j] == ':' && j + 1 < a.size() && a[j + 1] == '=')) {
        ++j;
      }
      // ").Field" after a parenthesised pipeline is not supported.
      out->push_back(std::string(a.substr(k, j - k)));
      k = j;
    }
    return absl::OkStatus();
  }

  absl::Status ParsePipe(std::string_view a, bool allow_decl, Pipe* pipe) {
    std::vector<std::string> toks;
    absl::Status st = Tokenize(a, &toks);
    if (!st.ok()) return st;
    size_t k = 0;
    std::string declared;
    if (allow_decl && toks.size() >= 2 && !toks[0].empty() && toks[0][0] == '$' &&
        (toks[1] == ":=" || toks[1] == "=")) {
      if (toks[1] == "=" && !Declared(toks[0])) {
        return Err(absl::StrCat("undefined variable \"", toks[0], "\""));
      }
      pipe->decl = toks[0];
      if (toks[1] == ":=") declared = toks[0];
      k = 2;
    }
    st = ParseCmds(toks, &k, pipe);
    if (!st.ok()) return st;
    if (k != toks.size()) return Err(absl::StrCat("unexpected \"", toks[k], "\" in command"));
    if (!declared.empty()) scopes_.back().insert(declared);
    return absl::OkStatus();
  }

  absl::Status ParseCmds(const std::vector<std::string>& toks, size_t* k, Pipe* pipe) {
    Cmd cmd;
    while (*k < toks.size() && toks[*k] != ")") {
      const std::string& t = toks[*k];
      if (t == "|") {
        if (cmd.args.empty()) return Err("missing command before \"|\"");
        pipe->cmds.push_back(std::move(cmd));
        cmd = Cmd();
        ++*k;
        continue;
      }
      if (t == ":=" || t == "=" || t == ",") {
        return Err(absl::StrCat("unexpected \"", t, "\" in command"));
      }
      Arg arg;
      if (t == "(") {
        ++*k;
        arg.kind = Arg::kPipe;
        arg.pipe = std::make_shared<Pipe>();
        absl::Status st = ParseCmds(toks, k, arg.pipe.get());
        if (!st.ok()) return st;
        if (*k >= toks.size() || toks[*k] != ")") return Err("unclosed left paren");
        ++*k;
        if (arg.pipe->cmds.empty()) return Err("missing value in parentheses");
        cmd.args.push_back(std::move(arg));
        continue;
      }
      absl::Status st = ParseOperand(t, &arg);
      if (!st.ok()) return st;
      cmd.args.push_back(std::move(arg));
      ++*k;
    }
    if (!cmd.args.empty()) pipe->cmds.push_back(std::move(cmd));
    else if (!pipe->cmds.empty()) return Err("missing command after \"|\"");
    return absl::OkStatus();
  }

  absl::Status ParseOperand(const std::string& t, Arg* arg) {
    char c = t[0];
    if (c == '"' || c == '`') {
      arg->kind = Arg::kString;
      std::string body = t.substr(1, t.size() - 2);
      if (c == '`') {
        arg->s = body;
        return absl::OkStatus();
      }
      for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] != '\\' || i + 1 >= body.size()) {
          arg->s.push_back(body[i]);
          continue;
        }
        char e = body[++i];
        switch (e) {
          case 'n': arg->s.push_back('\n'); break;
          case 't': arg->s.push_back('\t'); break;
          case 'r': arg->s.push_back('\r'); break;
          case '\\': arg->s.push_back('\\'); break;
          case '"': arg->s.push_back('"'); break;
          default:
            return Unsupported(absl::StrCat("the string escape \"\\", std::string(1, e), "\""));
        }
      }
      return absl::OkStatus();
    }
    if (c == '\'') return Unsupported("a character constant");
    if (c == '$' || c == '.') {
      arg->kind = Arg::kField;
      std::vector<std::string> parts;
      size_t start = 0;
      std::string base;
      if (c == '$') {
        size_t dot = t.find('.');
        base = t.substr(0, dot);
        if (!Declared(base)) return Err(absl::StrCat("undefined variable \"", base, "\""));
        start = dot == std::string::npos ? t.size() : dot;
      }
      arg->base = base;
      if (start < t.size()) {
        if (t == ".") return absl::OkStatus();
        std::string_view rest = std::string_view(t).substr(start + 1);
        for (absl::string_view f : absl::StrSplit(Sv(rest), '.')) {
          if (f.empty()) return Err(absl::StrCat("bad field in \"", t, "\""));
          arg->fields.push_back(std::string(f));
        }
      }
      return absl::OkStatus();
    }
    if (t == "true" || t == "false") {
      arg->kind = Arg::kBool;
      arg->b = t == "true";
      return absl::OkStatus();
    }
    if (t == "nil") {
      arg->kind = Arg::kNil;
      return absl::OkStatus();
    }
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      std::string n = t;
      bool is_float = n.find_first_of(".eE") != std::string::npos &&
                      !absl::StartsWith(n, "0x") && !absl::StartsWith(n, "0X");
      char* end = nullptr;
      if (is_float) {
        arg->kind = Arg::kFloat;
        arg->f = std::strtod(n.c_str(), &end);
      } else {
        arg->kind = Arg::kInt;
        arg->i = std::strtoll(n.c_str(), &end, 0);
      }
      if (end != n.c_str() + n.size()) return Err(absl::StrCat("bad number syntax: \"", t, "\""));
      return absl::OkStatus();
    }
    if (absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_') {
      if (t.find('.') != std::string::npos) return Unsupported(absl::StrCat("\"", t, "\""));
      if (!SupportedFunctions().count(t)) {
        if (IsGoFunction(t)) {
          return Unsupported(absl::StrCat("the function \"", t, "\"",
                                          t == "query" ? " (a PromQL query at render time)" : ""));
        }
        return Err(absl::StrCat("function \"", t, "\" not defined"));
      }
      arg->kind = Arg::kIdent;
      arg->base = t;
      return absl::OkStatus();
    }
    return Err(absl::StrCat("unexpected \"", t, "\" in operand"));
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool trim_next_ = false;
  absl::Status error_;
  std::vector<std::set<std::string>> scopes_;
};

// ------------------------------------------------------------------ execution

class Executor {
 public:
  explicit Executor(const AlertTemplateData& data) : data_(data) {
    Val dot;
    dot.k = Val::kData;
    vars_ = {{"$", dot},
             {"$labels", Val::Map(&data.labels)},
             {"$externalLabels", Val::Map(&data.external_labels)},
             {"$externalURL", Val::Str(data.external_url)},
             {"$value", Val::Float(data.value)}};
    dot_ = dot;
  }

  absl::Status Walk(const Node& n, std::string* out) {
    switch (n.kind) {
      case Node::kList: {
        size_t mark = vars_.size();
        for (const auto& c : n.list) {
          absl::Status st = Walk(*c, out);
          if (!st.ok()) return st;
        }
        vars_.resize(mark);
        return absl::OkStatus();
      }
      case Node::kText:
        *out += n.text;
        return absl::OkStatus();
      case Node::kAction: {
        absl::StatusOr<Val> v = EvalPipe(n.pipe);
        if (!v.ok()) return v.status();
        if (n.pipe.decl.empty()) *out += v->k == Val::kNil ? "<no value>" : Sprint(*v);
        return absl::OkStatus();
      }
      case Node::kIf:
      case Node::kWith: {
        size_t mark = vars_.size();
        absl::StatusOr<Val> v = EvalPipe(n.pipe);
        if (!v.ok()) return v.status();
        absl::Status st;
        if (Truth(*v)) {
          Val saved = dot_;
          if (n.kind == Node::kWith) dot_ = *v;
          st = Walk(*n.then, out);
          dot_ = saved;
        } else if (n.otherwise) {
          st = Walk(*n.otherwise, out);
        }
        vars_.resize(mark);
        return st;
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<Val> EvalPipe(const Pipe& p) {
    std::optional<Val> prev;
    for (const Cmd& c : p.cmds) {
      absl::StatusOr<Val> v = EvalCmd(c, prev);
      if (!v.ok()) return v.status();
      prev = *std::move(v);
    }
    Val result = prev.value_or(Val());
    if (!p.decl.empty()) {
      bool assigned = false;
      for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
        if (it->first == p.decl) {
          // `:=` declares a new one in this scope; `=` assigns.
          assigned = true;
          it->second = result;
          break;
        }
      }
      if (!assigned) vars_.push_back({p.decl, result});
    }
    return result;
  }

  absl::StatusOr<Val> EvalArg(const Arg& a) {
    switch (a.kind) {
      case Arg::kString: return Val::Str(a.s);
      case Arg::kInt: return Val::Int(a.i);
      case Arg::kFloat: return Val::Float(a.f);
      case Arg::kBool: return Val::Bool(a.b);
      case Arg::kNil: return Val();
      case Arg::kPipe: return EvalPipe(*a.pipe);
      case Arg::kIdent: return Call(a.base, {});
      case Arg::kField: {
        Val v = dot_;
        if (!a.base.empty()) {
          bool found = false;
          for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
            if (it->first == a.base) {
              v = it->second;
              found = true;
              break;
            }
          }
          if (!found) return ExecError(absl::StrCat("undefined variable ", a.base));
        }
        for (const std::string& f : a.fields) {
          if (v.k == Val::kMap) {
            auto it = v.m->find(f);
            v = Val::Str(it == v.m->end() ? "" : it->second);
          } else if (v.k == Val::kData) {
            if (f == "Labels") v = Val::Map(&data_.labels);
            else if (f == "ExternalLabels") v = Val::Map(&data_.external_labels);
            else if (f == "Value") v = Val::Float(data_.value);
            else if (f == "ExternalURL") v = Val::Str(data_.external_url);
            else return ExecError(absl::StrCat("can't evaluate field ", f));
          } else {
            return ExecError(absl::StrCat("can't evaluate field ", f, " in type ",
                                          TypeName(v)));
          }
        }
        return v;
      }
    }
    return Val();
  }

  absl::StatusOr<Val> EvalCmd(const Cmd& c, const std::optional<Val>& piped) {
    const Arg& head = c.args.front();
    if (head.kind != Arg::kIdent) {
      if (c.args.size() > 1 || piped) {
        return ExecError("can't give argument to non-function");
      }
      return EvalArg(head);
    }
    std::vector<Val> args;
    // and / or evaluate lazily in Go 1.18+, but their operands here have no
    // side effects: evaluating all is the same.
    for (size_t i = 1; i < c.args.size(); ++i) {
      absl::StatusOr<Val> v = EvalArg(c.args[i]);
      if (!v.ok()) return v.status();
      args.push_back(*std::move(v));
    }
    if (piped) args.push_back(*piped);
    return Call(head.base, args);
  }

  static absl::Status Arity(const std::string& fn, const std::vector<Val>& a,
                            size_t want) {
    if (a.size() == want) return absl::OkStatus();
    return ExecError(absl::StrCat("wrong number of args for ", fn, ": want ",
                                  want, " got ", a.size()));
  }

  static absl::StatusOr<std::string> AsString(const std::string& fn, const Val& v) {
    if (v.k != Val::kStr) {
      return ExecError(absl::StrCat(fn, ": expected string; found ", Sprint(v)));
    }
    return v.s;
  }

  static absl::StatusOr<int> Compare(const Val& a, const Val& b) {
    if ((a.k == Val::kFloat || a.k == Val::kInt) && a.k == b.k) {
      double x = a.k == Val::kFloat ? a.f : a.i, y = b.k == Val::kFloat ? b.f : b.i;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.k == Val::kStr && b.k == Val::kStr) return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
    if (a.k == Val::kBool && b.k == Val::kBool) return a.b == b.b ? 0 : a.b ? 1 : -1;
    return ExecError("incompatible types for comparison");
  }

  absl::StatusOr<Val> Call(const std::string& fn, const std::vector<Val>& a) {
    auto unary_float = [&](std::string (*f)(double)) -> absl::StatusOr<Val> {
      absl::Status st = Arity(fn, a, 1);
      if (!st.ok()) return st;
      absl::StatusOr<double> v = ToFloat(a[0]);
      if (!v.ok()) return v.status();
      return Val::Str(f(*v));
    };
    if (fn == "humanize") return unary_float(Humanize);
    if (fn == "humanize1024") return unary_float(Humanize1024);
    if (fn == "humanizeDuration") return unary_float(HumanizeDuration);
    if (fn == "humanizeTimestamp") return unary_float(HumanizeTimestamp);
    if (fn == "humanizePercentage") {
      return unary_float([](double v) { return CFormat("%.4g", v * 100) + "%"; });
    }
    if (fn == "printf") {
      if (a.empty()) return ExecError("wrong number of args for printf");
      absl::StatusOr<std::string> f = AsString(fn, a[0]);
      if (!f.ok()) return f.status();
      return Val::Str(GoSprintf(*f, std::vector<Val>(a.begin() + 1, a.end())));
    }
    if (fn == "print") return Val::Str(GoSprint(a));
    if (fn == "println") {
      std::vector<std::string> parts;
      for (const Val& v : a) parts.push_back(Sprint(v));
      return Val::Str(absl::StrJoin(parts, " ") + "\n");
    }
    if (fn == "toUpper" || fn == "toLower" || fn == "title" || fn == "safeHtml" ||
        fn == "stripPort" || fn == "stripDomain") {
      absl::Status st = Arity(fn, a, 1);
      if (!st.ok()) return st;
      absl::StatusOr<std::string> s = AsString(fn, a[0]);
      if (!s.ok()) return s.status();
      if (fn == "toUpper") return Val::Str(absl::AsciiStrToUpper(*s));
      if (fn == "toLower") return Val::Str(absl::AsciiStrToLower(*s));
      if (fn == "title") return Val::Str(Title(*s));
      if (fn == "safeHtml") return Val::Str(*s);
      std::string host, port;
      bool split = SplitHostPort(*s, &host, &port);
      if (fn == "stripPort") return Val::Str(split ? host : *s);
      if (!split) host = *s;
      if (LooksLikeIp(host)) return Val::Str(*s);
      host = host.substr(0, host.find('.'));
      if (split && !port.empty()) {
        return Val::Str(host.find(':') != std::string::npos
                            ? absl::StrCat("[", host, "]:", port)
                            : absl::StrCat(host, ":", port));
      }
      return Val::Str(host);
    }
    if (fn == "reReplaceAll" || fn == "match") {
      absl::Status st = Arity(fn, a, fn == "match" ? 2 : 3);
      if (!st.ok()) return st;
      std::vector<std::string> s;
      for (const Val& v : a) {
        absl::StatusOr<std::string> x = AsString(fn, v);
        if (!x.ok()) return x.status();
        s.push_back(*x);
      }
      RE2 re(s[0], RE2::Quiet);
      if (!re.ok()) {
        return ExecError(absl::StrCat(fn, ": error parsing regexp: ", re.error()));
      }
      if (fn == "match") return Val::Bool(RE2::PartialMatch(s[1], re));
      absl::StatusOr<std::string> repl = GoReplacement(s[1]);
      if (!repl.ok()) return repl.status();
      std::string text = s[2];
      RE2::GlobalReplace(&text, re, *repl);
      return Val::Str(text);
    }
    if (fn == "eq" || fn == "ne" || fn == "lt" || fn == "le" || fn == "gt" || fn == "ge") {
      if (a.size() < 2) return ExecError(absl::StrCat("missing argument for ", fn));
      if (fn == "eq") {
        for (size_t i = 1; i < a.size(); ++i) {
          absl::StatusOr<int> c = Compare(a[0], a[i]);
          if (!c.ok()) return c.status();
          if (*c == 0) return Val::Bool(true);
        }
        return Val::Bool(false);
      }
      absl::Status st = Arity(fn, a, 2);
      if (!st.ok()) return st;
      absl::StatusOr<int> c = Compare(a[0], a[1]);
      if (!c.ok()) return c.status();
      if (fn == "ne") return Val::Bool(*c != 0);
      if (fn == "lt") return Val::Bool(*c < 0);
      if (fn == "le") return Val::Bool(*c <= 0);
      if (fn == "gt") return Val::Bool(*c > 0);
      return Val::Bool(*c >= 0);
    }
    if (fn == "and" || fn == "or") {
      if (a.empty()) return ExecError(absl::StrCat("wrong number of args for ", fn));
      for (const Val& v : a) {
        if (Truth(v) != (fn == "and")) return v;
      }
      return a.back();
    }
    if (fn == "not") {
      absl::Status st = Arity(fn, a, 1);
      if (!st.ok()) return st;
      return Val::Bool(!Truth(a[0]));
    }
    if (fn == "len") {
      absl::Status st = Arity(fn, a, 1);
      if (!st.ok()) return st;
      if (a[0].k == Val::kStr) return Val::Int(static_cast<int64_t>(a[0].s.size()));
      if (a[0].k == Val::kMap) return Val::Int(static_cast<int64_t>(a[0].m->size()));
      return ExecError(absl::StrCat("len of type ", TypeName(a[0])));
    }
    if (fn == "index") {
      absl::Status st = Arity(fn, a, 2);
      if (!st.ok()) return st;
      if (a[0].k != Val::kMap || a[1].k != Val::kStr) {
        return ExecError("index: expected a label map and a string key");
      }
      auto it = a[0].m->find(a[1].s);
      return Val::Str(it == a[0].m->end() ? "" : it->second);
    }
    if (fn == "externalURL") return Val::Str(data_.external_url);
    if (fn == "pathPrefix") {
      std::string_view u = data_.external_url;
      size_t scheme = u.find("://");
      size_t path = u.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
      return Val::Str(path == std::string_view::npos ? "" : std::string(u.substr(path)));
    }
    return absl::UnimplementedError(absl::StrCat("template: function \"", fn,
                                                 "\" is not supported"));
  }

  const AlertTemplateData& data_;
  std::vector<std::pair<std::string, Val>> vars_;
  Val dot_;
};

}  // namespace

bool IsTemplated(std::string_view text) {
  return text.find("{{") != std::string_view::npos;
}

absl::StatusOr<AlertTemplate> AlertTemplate::Parse(std::string_view text) {
  Parser p(text);
  absl::StatusOr<std::shared_ptr<Node>> root = p.Run();
  if (!root.ok()) return root.status();
  AlertTemplate t;
  t.root_ = *std::move(root);
  return t;
}

absl::StatusOr<std::string> AlertTemplate::Expand(const AlertTemplateData& data) const {
  std::string out;
  if (root_ == nullptr) return out;
  Executor e(data);
  absl::Status st = e.Walk(*root_, &out);
  if (!st.ok()) return st;
  return out;
}

std::string ExpandOrErrorText(std::string_view text, const AlertTemplateData& data) {
  if (!IsTemplated(text)) return std::string(text);
  absl::StatusOr<AlertTemplate> t = AlertTemplate::Parse(text);
  absl::StatusOr<std::string> out =
      t.ok() ? t->Expand(data) : absl::StatusOr<std::string>(t.status());
  if (out.ok()) return *out;
  return absl::StrCat("<error expanding template: ", out.status().message(), ">");
}

std::string GoFloatString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char sci[64];
  auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  std::string_view s(sci, r.ptr - sci);
  size_t e = s.find('e');
  int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  if (exp < -4 || exp >= 21) return std::string(s);
  char fixed[400];
  auto f = std::to_chars(fixed, fixed + sizeof fixed, v, std::chars_format::fixed);
  return std::string(fixed, f.ptr - fixed);
}

}  // namespace aurora
