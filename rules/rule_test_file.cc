#include "rules/rule_test_file.h"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/duration.h"
#include "yaml-cpp/yaml.h"

namespace aurora {
namespace {

std::string DirOf(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  return std::string(path.substr(0, slash + 1));
}

FilePos Pos(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

class Reader {
 public:
  Reader(std::string_view path, std::string_view text)
      : path_(path), text_(text), dir_(DirOf(path)) {}

  LoadedRuleTestFile Read() {
    out_.file.path = path_;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text_));
    } catch (const YAML::Exception& e) {
      FilePos p;
      if (e.mark.line >= 0) p = {e.mark.line + 1, e.mark.column + 1};
      Error(p, absl::StrCat("invalid YAML: ", e.msg));
      return std::move(out_);
    }
    try {
      Top(root);
    } catch (const YAML::Exception& e) {
      FilePos p;
      if (e.mark.line >= 0) p = {e.mark.line + 1, e.mark.column + 1};
      Error(p, absl::StrCat("invalid YAML: ", e.msg));
    }
    return std::move(out_);
  }

 private:
  void Error(FilePos pos, std::string message) {
    out_.errors.push_back(GateError{path_, pos, context_ + message});
  }

  // Every key of mapping `n` must be one of `known`.
  bool CheckKeys(const YAML::Node& n, const std::string& what,
                 const std::vector<std::string>& known) {
    if (!n.IsMap()) {
      Error(Pos(n), absl::StrCat("expected a mapping (", what, ")"));
      return false;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      bool found = false;
      for (const auto& k : known) found = found || k == key;
      if (!found) {
        Error(Pos(it->first),
              absl::StrCat("unknown key \"", key, "\" in ", what, " (expected one of: ",
                           absl::StrJoin(known, ", "), ")"));
      }
    }
    return true;
  }

  std::optional<std::string> Scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(Pos(n), absl::StrCat(what, ": expected a string"));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<absl::Duration> Duration(const YAML::Node& n, const std::string& what,
                                         std::string* text = nullptr) {
    std::optional<std::string> s = Scalar(n, what);
    if (!s) return std::nullopt;
    absl::StatusOr<absl::Duration> d = ParsePromDuration(*s);
    if (!d.ok()) {
      Error(Pos(n), absl::StrCat(what, ": ", d.status().message()));
      return std::nullopt;
    }
    if (*d < absl::ZeroDuration()) {
      Error(Pos(n), absl::StrCat(what, ": must not be negative"));
      return std::nullopt;
    }
    if (text != nullptr) *text = FormatPromDuration(*d);
    return *d;
  }

  // A float as Go's YAML reads one: decimal, .inf, -.inf, .nan.
  std::optional<double> Number(const YAML::Node& n, const std::string& what) {
    std::optional<std::string> s = Scalar(n, what);
    if (!s) return std::nullopt;
    std::string v = absl::AsciiStrToLower(*s);
    if (v == ".inf" || v == "+.inf") return std::numeric_limits<double>::infinity();
    if (v == "-.inf") return -std::numeric_limits<double>::infinity();
    if (v == ".nan") return std::numeric_limits<double>::quiet_NaN();
    const char* begin = s->c_str();
    char* end = nullptr;
    double d = std::strtod(begin, &end);
    if (s->empty() || end != begin + s->size() || v.find("inf") != std::string::npos ||
        v.find("nan") != std::string::npos || v.find('x') != std::string::npos) {
      Error(Pos(n), absl::StrCat(what, ": expected a number, got \"", *s, "\""));
      return std::nullopt;
    }
    return d;
  }

  std::map<std::string, std::string> StringMap(const YAML::Node& n,
                                               const std::string& what) {
    std::map<std::string, std::string> out;
    if (!n || n.IsNull()) return out;
    if (!n.IsMap()) {
      Error(Pos(n), absl::StrCat(what, ": expected a mapping of names to strings"));
      return out;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::optional<std::string> k = Scalar(it->first, what);
      std::optional<std::string> v =
          it->second.IsNull() ? std::optional<std::string>("") : Scalar(it->second, what);
      if (k && v) out[*k] = *v;
    }
    return out;
  }

  // A list node (absent or null: empty).
  bool List(const YAML::Node& n, const std::string& what) {
    if (!n || n.IsNull()) return false;
    if (!n.IsSequence()) {
      Error(Pos(n), absl::StrCat(what, ": expected a list"));
      return false;
    }
    return true;
  }

  std::optional<SeriesLabels> Labels(const YAML::Node& n, const std::string& what) {
    std::optional<std::string> s = Scalar(n, what);
    if (!s) return std::nullopt;
    absl::StatusOr<SeriesLabels> l = ParseSeriesLabels(*s);
    if (!l.ok()) {
      Error(Pos(n), absl::StrCat(what, ": bad series \"", *s, "\": ",
                                 l.status().message()));
      return std::nullopt;
    }
    return *l;
  }

  void Top(const YAML::Node& root) {
    if (!root || root.IsNull()) {
      Error({1, 1}, "empty test file: expected a mapping with \"tests\"");
      return;
    }
    if (!CheckKeys(root, "the test file",
                   {"rule_files", "evaluation_interval", "group_eval_order", "tests"})) {
      return;
    }
    RuleTestFile& f = out_.file;
    if (List(root["rule_files"], "rule_files")) {
      for (const YAML::Node& rf : root["rule_files"]) {
        std::optional<std::string> s = Scalar(rf, "rule_files");
        if (!s) continue;
        f.rule_files.push_back(!s->empty() && (*s)[0] != '/' ? dir_ + *s : *s);
        f.rule_file_pos.push_back(Pos(rf));
      }
    }
    if (root["evaluation_interval"]) {
      std::optional<absl::Duration> d =
          Duration(root["evaluation_interval"], "evaluation_interval");
      if (d && *d > absl::ZeroDuration()) f.evaluation_interval = *d;
    }
    if (List(root["group_eval_order"], "group_eval_order")) {
      std::set<std::string> seen;
      for (const YAML::Node& g : root["group_eval_order"]) {
        std::optional<std::string> s = Scalar(g, "group_eval_order");
        if (!s) continue;
        if (!seen.insert(*s).second) {
          Error(Pos(g), absl::StrCat("group name repeated in evaluation order: ", *s));
        }
        f.group_eval_order.push_back(*s);
      }
    }
    const size_t errors_before = out_.errors.size();
    if (List(root["tests"], "tests")) {
      size_t i = 0;
      for (const YAML::Node& t : root["tests"]) {
        context_ = absl::StrCat("tests[", i++, "]: ");
        f.tests.push_back(Group(t));
        context_.clear();
      }
    }
    // Unlike promtool (SUCCESS): a file without tests is most likely cut
    // short, and must not read as a pass.
    if (f.tests.empty() && out_.errors.size() == errors_before) {
      FilePos at{1, 1};  // the "tests" key when there is one
      for (auto it = root.begin(); it != root.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == "tests") at = Pos(it->first);
      }
      Error(at,
            "no tests: expected a list of tests under \"tests\" (is the file cut short?)");
    }
  }

  // A test without alert_rule_test, promql_expr_test or outcome_test checks
  // nothing (promtool passes it): an error, as a file cut short ends so. A
  // test written as an explicit `{}` is left alone (promtool's files have
  // some; nothing was cut there).
  void RequireChecks(const YAML::Node& t, const RuleTestGroup& g, size_t errors_before) {
    if (t.IsMap() && t.size() == 0) return;
    if (out_.errors.size() != errors_before || !g.alert_rule_tests.empty() ||
        !g.promql_expr_tests.empty() || !g.outcome_tests.empty()) {
      return;
    }
    Error(g.pos, absl::StrCat("test", g.name.empty() ? "" : absl::StrCat(" \"", g.name, "\""),
                              " checks nothing: expected alert_rule_test, promql_expr_test "
                              "or outcome_test (is the file cut short?)"));
  }

  RuleTestGroup Group(const YAML::Node& t) {
    const size_t errors_before = out_.errors.size();
    RuleTestGroup g = GroupItems(t);
    RequireChecks(t, g, errors_before);
    return g;
  }

  RuleTestGroup GroupItems(const YAML::Node& t) {
    RuleTestGroup g;
    g.pos = Pos(t);
    if (t.IsNull()) return g;  // `- {}` / `-`: a test with nothing in it
    if (!CheckKeys(t, "a test",
                   {"interval", "input_series", "alert_rule_test", "promql_expr_test",
                    "external_labels", "external_url", "name", "input_artifacts",
                    "outcome_test"})) {
      return g;
    }
    if (t["name"]) g.name = Scalar(t["name"], "name").value_or("");
    if (t["interval"]) g.interval = Duration(t["interval"], "interval").value_or(absl::ZeroDuration());
    if (t["external_url"]) g.external_url = Scalar(t["external_url"], "external_url").value_or("");
    g.external_labels = StringMap(t["external_labels"], "external_labels");
    if (List(t["input_series"], "input_series")) {
      for (const YAML::Node& s : t["input_series"]) {
        if (!CheckKeys(s, "an input series", {"series", "values"})) continue;
        TestInputSeries in;
        in.pos = Pos(s);
        if (!s["series"]) {
          Error(Pos(s), "input series: \"series\" is required");
          continue;
        }
        std::optional<SeriesLabels> l = Labels(s["series"], "series");
        if (!l) continue;
        in.series = *l;
        in.series_text = s["series"].Scalar();
        if (in.series.name.empty()) {
          Error(Pos(s["series"]), absl::StrCat("series \"", in.series_text,
                                               "\": a metric name is required"));
          continue;
        }
        if (s["values"]) {
          std::optional<std::string> v = Scalar(s["values"], "values");
          if (!v) continue;
          absl::StatusOr<std::vector<SeriesStep>> steps = ExpandSeriesValues(*v);
          if (!steps.ok()) {
            Error(Pos(s["values"]), absl::StrCat("values \"", *v, "\": ",
                                                 steps.status().message()));
            continue;
          }
          in.steps = *std::move(steps);
        }
        g.input_series.push_back(std::move(in));
      }
    }
    if (List(t["alert_rule_test"], "alert_rule_test")) {
      for (const YAML::Node& a : t["alert_rule_test"]) {
        if (!CheckKeys(a, "an alert_rule_test item", {"eval_time", "alertname", "exp_alerts"})) {
          continue;
        }
        AlertRuleTest at;
        at.pos = Pos(a);
        at.eval_time_text = "0s";
        if (a["eval_time"]) {
          at.eval_time = Duration(a["eval_time"], "eval_time", &at.eval_time_text)
                             .value_or(absl::ZeroDuration());
        }
        if (a["alertname"]) at.alertname = Scalar(a["alertname"], "alertname").value_or("");
        if (at.alertname.empty()) {
          Error(Pos(a), absl::StrCat("an item under alert_rule_test misses required "
                                     "attribute alertname at eval_time ",
                                     at.eval_time_text));
        }
        if (List(a["exp_alerts"], "exp_alerts")) {
          for (const YAML::Node& e : a["exp_alerts"]) {
            TestExpAlert exp;
            if (!e.IsNull()) {
              if (!CheckKeys(e, "an expected alert", {"exp_labels", "exp_annotations"})) continue;
              exp.labels = StringMap(e["exp_labels"], "exp_labels");
              exp.annotations = StringMap(e["exp_annotations"], "exp_annotations");
            }
            at.exp_alerts.push_back(std::move(exp));
          }
        }
        g.alert_rule_tests.push_back(std::move(at));
      }
    }
    if (List(t["promql_expr_test"], "promql_expr_test")) {
      for (const YAML::Node& p : t["promql_expr_test"]) {
        if (!CheckKeys(p, "a promql_expr_test item", {"expr", "eval_time", "exp_samples"})) {
          continue;
        }
        PromqlExprTest pt;
        pt.pos = Pos(p);
        if (p["expr"]) pt.expr = Scalar(p["expr"], "expr").value_or("");
        if (p["eval_time"]) {
          pt.eval_time = Duration(p["eval_time"], "eval_time").value_or(absl::ZeroDuration());
        }
        if (List(p["exp_samples"], "exp_samples")) {
          for (const YAML::Node& s : p["exp_samples"]) {
            if (!CheckKeys(s, "an expected sample", {"labels", "value"})) continue;
            TestExpSample es;
            if (s["labels"] && !s["labels"].IsNull() && !s["labels"].Scalar().empty()) {
              std::optional<SeriesLabels> l = Labels(s["labels"], "labels");
              if (!l) continue;
              es.labels = *l;
            }
            if (s["value"]) es.value = Number(s["value"], "value").value_or(0);
            pt.exp_samples.push_back(std::move(es));
          }
        }
        g.promql_expr_tests.push_back(std::move(pt));
      }
    }
    if (t["input_artifacts"] && !t["input_artifacts"].IsNull()) {
      const YAML::Node& ia = t["input_artifacts"];
      if (!ia.IsMap()) {
        Error(Pos(ia), "input_artifacts: expected a mapping of source names to a "
                       "file or {content: ...}");
      } else {
        for (auto it = ia.begin(); it != ia.end(); ++it) {
          TestArtifact a;
          a.source = it->first.Scalar();
          a.pos = Pos(it->first);
          const YAML::Node v = it->second;  // a copy: it-> is a temporary
          if (v.IsScalar()) {
            a.file = v.Scalar();
          } else if (v.IsMap() && CheckKeys(v, "an input artifact", {"file", "content"})) {
            if (v["file"] && v["content"]) {
              Error(Pos(v), "input artifact: give \"file\" or \"content\", not both");
              continue;
            }
            if (v["file"]) a.file = Scalar(v["file"], "file").value_or("");
            if (v["content"]) {
              a.content = Scalar(v["content"], "content").value_or("");
              a.inline_content = true;
            }
          } else {
            Error(Pos(v), absl::StrCat("input artifact \"", a.source,
                                       "\": expected a file name or {file: ...} / {content: ...}"));
            continue;
          }
          if (!a.inline_content) {
            if (a.file.empty()) {
              Error(Pos(v), absl::StrCat("input artifact \"", a.source, "\": no file"));
              continue;
            }
            if (a.file[0] != '/') a.file = dir_ + a.file;
          }
          g.input_artifacts.push_back(std::move(a));
        }
      }
    }
    if (List(t["outcome_test"], "outcome_test")) {
      for (const YAML::Node& o : t["outcome_test"]) {
        if (!CheckKeys(o, "an outcome_test item", {"eval_time", "exp_outcomes"})) continue;
        OutcomeTest ot;
        ot.pos = Pos(o);
        if (o["eval_time"]) {
          ot.eval_time = Duration(o["eval_time"], "eval_time").value_or(absl::ZeroDuration());
        }
        const YAML::Node& exp = o["exp_outcomes"];
        if (!exp || !exp.IsMap()) {
          Error(Pos(o), "outcome_test: \"exp_outcomes\" must map rule names to an "
                        "outcome or {outcome: ..., value: ...}");
          continue;
        }
        for (auto it = exp.begin(); it != exp.end(); ++it) {
          ExpOutcome e;
          e.rule = it->first.Scalar();
          e.pos = Pos(it->first);
          const YAML::Node v = it->second;  // a copy: it-> is a temporary
          // reset(), not operator=: yaml-cpp's assignment writes into the node.
          YAML::Node outcome;
          outcome.reset(v);
          if (v.IsMap()) {
            if (!CheckKeys(v, "an expected outcome", {"outcome", "value"})) continue;
            outcome.reset(v["outcome"]);
            if (v["value"]) e.value = Number(v["value"], "value");
          }
          if (!outcome || !outcome.IsScalar()) {
            Error(Pos(v), absl::StrCat("rule \"", e.rule, "\": expected an outcome"));
            continue;
          }
          std::optional<Outcome> parsed = ParseOutcome(outcome.Scalar());
          if (!parsed) {
            Error(Pos(outcome), absl::StrCat("rule \"", e.rule, "\": unknown outcome \"",
                                             outcome.Scalar(),
                                             "\" (expected pass, warn, fail, pending, "
                                             "inconclusive or error)"));
            continue;
          }
          e.outcome = *parsed;
          ot.exp_outcomes.push_back(std::move(e));
        }
        g.outcome_tests.push_back(std::move(ot));
      }
    }
    return g;
  }

  std::string path_;
  std::string_view text_;
  std::string dir_;
  std::string context_;
  LoadedRuleTestFile out_;
};

}  // namespace

absl::Duration RuleTestGroup::MaxEvalTime() const {
  absl::Duration m = absl::ZeroDuration();
  for (const auto& a : alert_rule_tests) m = std::max(m, a.eval_time);
  for (const auto& p : promql_expr_tests) m = std::max(m, p.eval_time);
  for (const auto& o : outcome_tests) m = std::max(m, o.eval_time);
  return m;
}

LoadedRuleTestFile ParseRuleTestFile(std::string_view path, std::string_view text) {
  return Reader(path, text).Read();
}

}  // namespace aurora
