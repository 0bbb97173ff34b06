#include "queries/junit_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/jenkins_time.h"
#include "queries/junit_reader_internal.h"
#include "queries/xml_document.h"
#include "queries/xml_scanner.h"

namespace aurora {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

enum class Result { kPassed, kFailed, kError, kSkipped };

struct Counts {
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t error = 0;
  int64_t skipped = 0;
  int64_t flaky = 0;

  int64_t total() const { return passed + failed + error + skipped; }
  void Add(Result r, bool flaky_case) {
    switch (r) {
      case Result::kPassed:
        ++passed;
        if (flaky_case) ++flaky;
        break;
      case Result::kFailed:
        ++failed;
        break;
      case Result::kError:
        ++error;
        break;
      case Result::kSkipped:
        ++skipped;
        break;
    }
  }
  void Add(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    error += o.error;
    skipped += o.skipped;
    flaky += o.flaky;
  }
};

// One Jenkins SuiteResult: a suite element as parsed, or several merged.
struct Suite {
  std::string name;
  std::optional<std::string> id;
  bool has_time = false;    // `time` attribute present (SuiteResult.time)
  double duration = 0;      // SuiteResult.duration
  double case_seconds = 0;  // Σ durations of its cases (incl. "<init>")
  Counts counts;
};

// The whole result, as TestResult: merged suites plus the total duration
// (Σ of every parsed suite's own duration, before merging).
struct Report {
  std::vector<Suite> suites;
  double duration = 0;
  int64_t testcases = 0;
};

// One count attribute of a suite element (tests=, failures=, errors=) as
// written; absent, empty or not a plain non-negative number: no claim.
struct ClaimedCount {
  double value = 0;
  std::string text;
};

std::optional<ClaimedCount> ReadClaim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  size_t digits = 0, dots = 0;
  for (char c : text) {
    if (IsDigit(c)) {
      ++digits;
    } else if (c == '.' && dots == 0) {
      ++dots;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0) return std::nullopt;
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return ClaimedCount{value, std::string(text)};
}

// What a suite element says about itself.
struct Claim {
  std::optional<ClaimedCount> tests, failures, errors;
};

// Appends to `out` what suite `suite` claims beyond `found`, the testcases
// of the element and of its nested suites: more tests than testcases, more
// failures + errors than failed or erroring testcases (producers differ in
// which of the two they count a case in). Claiming less is fine (pytest's
// double-fail testcases, Surefire's flakes).
void CheckClaim(std::string_view suite, const Claim& claim,
                const Counts& found, std::vector<std::string>* out) {
  if (claim.tests && claim.tests->value > static_cast<double>(found.total())) {
    out->push_back(absl::StrCat("suite \"", Sv(suite), "\" says tests=\"",
                                claim.tests->text, "\" but holds ",
                                found.total(), " testcases"));
  }
  if (!claim.failures && !claim.errors) return;
  const double claimed = (claim.failures ? claim.failures->value : 0) +
                         (claim.errors ? claim.errors->value : 0);
  const int64_t bad = found.failed + found.error;
  if (claimed <= static_cast<double>(bad)) return;
  std::string says;
  if (claim.failures) {
    absl::StrAppend(&says, "failures=\"", claim.failures->text, "\"");
  }
  if (claim.errors) {
    absl::StrAppend(&says, says.empty() ? "" : " ", "errors=\"",
                    claim.errors->text, "\"");
  }
  out->push_back(absl::StrCat("suite \"", Sv(suite), "\" says ", says,
                              " but holds ", bad,
                              " failed or erroring testcases"));
}

Claim DomClaim(const pugi::xml_node& el) {
  Claim c;
  if (pugi::xml_attribute a = el.attribute("tests")) c.tests = ReadClaim(a.value());
  if (pugi::xml_attribute a = el.attribute("failures")) {
    c.failures = ReadClaim(a.value());
  }
  if (pugi::xml_attribute a = el.attribute("errors")) c.errors = ReadClaim(a.value());
  return c;
}

bool NameIs(const pugi::xml_node& n, const char* name) {
  return n.type() == pugi::node_element && std::strcmp(n.name(), name) == 0;
}

// aurora-gate's classification of one <testcase> (docs/FORMATS.md §6 table).
std::pair<Result, bool> ClassifyCase(const pugi::xml_node& tc) {
  bool skipped = false;
  bool flaky = false;
  std::optional<Result> failure;
  for (pugi::xml_node child = tc.first_child(); child;
       child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const char* n = child.name();
    if (std::strcmp(n, "skipped") == 0) {
      skipped = true;
    } else if (std::strcmp(n, "failure") == 0) {
      if (!failure) failure = Result::kFailed;
    } else if (std::strcmp(n, "error") == 0) {
      if (!failure) failure = Result::kError;
    } else if (std::strcmp(n, "flakyFailure") == 0 ||
               std::strcmp(n, "flakyError") == 0) {
      flaky = true;
    }
  }
  if (skipped) return {Result::kSkipped, false};
  if (failure) return {*failure, false};
  std::string_view status = tc.attribute("status").value();
  std::string_view result = tc.attribute("result").value();
  if (status == "notrun" || status == "disabled" || result == "skipped" ||
      result == "suppressed") {
    return {Result::kSkipped, false};
  }
  return {Result::kPassed, flaky};
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// SuiteResult's name: `package.name`, or "(file)" without a name. An empty
// name also becomes "(file)" because an empty label value is no label.
std::string SuiteName(const pugi::xml_node& el, std::string_view file) {
  pugi::xml_attribute name = el.attribute("name");
  std::string out;
  if (name) {
    std::string_view pkg = el.attribute("package").value();
    out = pkg.empty() ? std::string(name.value())
                      : absl::StrCat(Sv(pkg), ".", name.value());
  }
  if (out.empty()) out = absl::StrCat("(", Sv(BaseName(file)), ")");
  return out;
}

// Builds one SuiteResult from an element with direct <testcase>/<error>.
Suite ParseSuiteElement(const pugi::xml_node& el, std::string_view file) {
  Suite s;
  s.name = SuiteName(el, file);
  if (pugi::xml_attribute id = el.attribute("id")) s.id = id.value();
  pugi::xml_attribute time = el.attribute("time");
  s.has_time = static_cast<bool>(time);
  if (s.has_time) s.duration = JenkinsTimeSeconds(time.value());
  auto add_case_seconds = [&s](double seconds) {
    s.case_seconds += seconds;
    if (!s.has_time) s.duration += seconds;
  };
  if (el.child("error")) {
    // Class failed to load: Jenkins adds a failed case "<init>" whose time
    // is read from the suite element itself.
    s.counts.Add(Result::kError, false);
    add_case_seconds(JenkinsTimeSeconds(time ? time.value() : nullptr));
  }
  for (pugi::xml_node tc = el.child("testcase"); tc;
       tc = tc.next_sibling("testcase")) {
    auto [result, flaky] = ClassifyCase(tc);
    s.counts.Add(result, flaky);
    pugi::xml_attribute t = tc.attribute("time");
    add_case_seconds(JenkinsTimeSeconds(t ? t.value() : nullptr));
  }
  return s;
}

// SuiteResult.parseSuite: every <testsuite> child, recursively, before the
// element itself; an element counts as a suite when it has a direct
// <testcase> or <error>. Iterative so deep nesting cannot overflow the stack.
// Every element of the chain (suite or not) also has its counters checked
// against the testcases under it (CheckClaim), into `mismatches`.
std::vector<Suite> CollectSuites(const pugi::xml_node& root,
                                 std::string_view file,
                                 std::vector<std::string>* mismatches) {
  std::vector<pugi::xml_node> preorder;
  std::vector<pugi::xml_node> stack = {root};
  while (!stack.empty()) {
    pugi::xml_node el = stack.back();
    stack.pop_back();
    preorder.push_back(el);
    for (pugi::xml_node c = el.child("testsuite"); c;
         c = c.next_sibling("testsuite")) {
      stack.push_back(c);
    }
  }
  std::vector<Suite> out;
  // Testcases under each element, its nested suites included; children
  // come before their parent in reverse preorder.
  std::map<const void*, Counts> under;
  for (auto it = preorder.rbegin(); it != preorder.rend(); ++it) {
    Counts& found = under[it->internal_object()];
    if (it->child("testcase") || it->child("error")) {
      out.push_back(ParseSuiteElement(*it, file));
      found.Add(out.back().counts);
    }
    CheckClaim(SuiteName(*it, file), DomClaim(*it), found, mismatches);
    if (*it != root) under[it->parent().internal_object()].Add(found);
  }
  return out;
}

// TestResult.add + SuiteResult.merge: same name and ids equal or either
// absent -> one suite.
void AddSuite(Report& report, Suite sr) {
  report.duration += sr.duration;
  report.testcases += sr.counts.total();
  for (Suite& s : report.suites) {
    if (s.name != sr.name) continue;
    if (s.id && sr.id && *s.id != *sr.id) continue;
    s.duration += s.has_time ? sr.duration : sr.case_seconds;
    s.case_seconds += sr.case_seconds;
    s.counts.Add(sr.counts);
    return;
  }
  report.suites.push_back(std::move(sr));
}

// The producer, when the report says so; "" otherwise.
std::string DetectProducer(const pugi::xml_node& root) {
  std::string_view root_name = root.attribute("name").value();
  pugi::xml_node first =
      NameIs(root, "testsuite") ? root : root.child("testsuite");
  std::string_view suite_name = first.attribute("name").value();
  if (root_name == "pytest tests" || suite_name == "pytest") return "pytest";
  if (absl::StrContains(root.attribute("xsi:noNamespaceSchemaLocation").value(),
                        "surefire")) {
    return "Surefire";
  }
  if (NameIs(root, "testsuites") && root_name == "AllTests") return "gtest";
  if (root_name == "jest tests") return "jest-junit";
  if (root_name == "nextest-run") return "cargo-nextest";
  if (suite_name == "Mocha Tests") return "mocha";
  for (pugi::xml_node p = first.child("properties").child("property"); p;
       p = p.next_sibling("property")) {
    if (std::string_view(p.attribute("name").value()) == "go.version") {
      return "go-junit-report";
    }
  }
  return "";
}

struct ParsedFile {
  std::vector<Suite> suites;
  std::string producer;
  // CheckClaim's findings, innermost suites first.
  std::vector<std::string> mismatches;
};

// Streaming path: the value of an attribute, decoded when needed.
std::string StreamValue(const XmlAttribute& a) {
  std::string out;
  if (!XmlAttributeValue(a, &out)) out.clear();  // cannot happen (scanner)
  return out;
}

// JenkinsTimeSeconds of an attribute (0 when absent), without copying a
// plain decimal value.
double AttributeSeconds(const XmlAttribute* a) {
  if (a == nullptr) return JenkinsTimeSeconds(nullptr);
  if (a->plain) {
    if (std::optional<double> fast = PlainDecimalSeconds(a->raw_value)) {
      return *fast;
    }
  }
  return JenkinsTimeSeconds(StreamValue(*a).c_str());
}

// ParseOne without a DOM (queries/xml_scanner.h), for the well-formed
// common case; nullopt on anything else, errors included (the DOM path
// then runs). Mirrors CollectSuites / ParseSuiteElement / ClassifyCase /
// DetectProducer: suites are the chain root > testsuite > testsuite …,
// emitted at their end tags, i.e. in the DOM path's post-order.
std::optional<ParsedFile> ParseOneStreaming(std::string_view content,
                                            std::string_view name) {
  XmlScanner scanner(content);
  if (scanner.Next() != XmlEvent::kStartElement) return std::nullopt;
  const bool root_is_suite = scanner.name() == "testsuite";
  if (!root_is_suite && scanner.name() != "testsuites") return std::nullopt;

  // One open element of the suite chain.
  struct Frame {
    Suite suite;
    std::optional<std::string> time;  // the `time` attribute
    bool has_error = false;           // a direct <error> child
    bool has_case = false;            // a direct <testcase> child
    std::vector<double> case_seconds;
    Claim claim;    // its tests=/failures=/errors=
    Counts under;   // testcases of its nested suites (closed so far)
  };
  std::vector<Frame> chain;
  auto open_suite = [&scanner, name, &chain] {
    Frame f;
    const XmlAttribute* n = scanner.FindAttribute("name");
    if (n != nullptr) {
      const XmlAttribute* pkg = scanner.FindAttribute("package");
      std::string pkg_value = pkg ? StreamValue(*pkg) : "";
      f.suite.name = pkg_value.empty()
                         ? StreamValue(*n)
                         : absl::StrCat(pkg_value, ".", StreamValue(*n));
    }
    if (f.suite.name.empty()) {
      f.suite.name = absl::StrCat("(", Sv(BaseName(name)), ")");
    }
    if (const XmlAttribute* id = scanner.FindAttribute("id")) {
      f.suite.id = StreamValue(*id);
    }
    if (const XmlAttribute* t = scanner.FindAttribute("time")) {
      f.time = StreamValue(*t);
      f.suite.has_time = true;
      f.suite.duration = JenkinsTimeSeconds(f.time->c_str());
    }
    if (const XmlAttribute* a = scanner.FindAttribute("tests")) {
      f.claim.tests = ReadClaim(StreamValue(*a));
    }
    if (const XmlAttribute* a = scanner.FindAttribute("failures")) {
      f.claim.failures = ReadClaim(StreamValue(*a));
    }
    if (const XmlAttribute* a = scanner.FindAttribute("errors")) {
      f.claim.errors = ReadClaim(StreamValue(*a));
    }
    chain.push_back(std::move(f));
  };

  // DetectProducer's inputs.
  std::string root_name, schema_location, suite_name;
  if (const XmlAttribute* a = scanner.FindAttribute("name")) {
    root_name = StreamValue(*a);
  }
  if (const XmlAttribute* a =
          scanner.FindAttribute("xsi:noNamespaceSchemaLocation")) {
    schema_location = StreamValue(*a);
  }
  if (root_is_suite) suite_name = root_name;
  // Depth of the `first` element of DetectProducer (0: none yet), and
  // whether it is open.
  size_t first_depth = root_is_suite ? 1 : 0;
  bool first_open = root_is_suite;
  bool seen_properties = false;
  size_t properties_depth = 0;  // depth of the open first <properties>
  bool go_version = false;

  open_suite();
  ParsedFile out;

  // The open <testcase> (a direct child of the innermost suite).
  bool in_case = false;
  size_t case_depth = 0;
  bool case_skipped = false, case_flaky = false;
  // The first <failure>/<error> child decides (kPassed: none yet).
  Result case_failure = Result::kPassed;
  std::string case_status, case_result;
  double case_duration = 0;  // JenkinsTimeSeconds of its `time`

  auto close_suite = [&chain, &out] {
    Frame& f = chain.back();
    if (f.has_case || f.has_error) {
      Suite& s = f.suite;
      auto add_case_seconds = [&s](double seconds) {
        s.case_seconds += seconds;
        if (!s.has_time) s.duration += seconds;
      };
      if (f.has_error) {
        s.counts.Add(Result::kError, false);
        add_case_seconds(
            JenkinsTimeSeconds(f.time ? f.time->c_str() : nullptr));
      }
      for (double seconds : f.case_seconds) add_case_seconds(seconds);
      f.under.Add(s.counts);
    }
    CheckClaim(f.suite.name, f.claim, f.under, &out.mismatches);
    if (chain.size() > 1) chain[chain.size() - 2].under.Add(f.under);
    if (f.has_case || f.has_error) out.suites.push_back(std::move(f.suite));
    chain.pop_back();
  };

  for (;;) {
    XmlEvent e = scanner.Next();
    if (e == XmlEvent::kEndOfDocument) break;
    if (e == XmlEvent::kError) return std::nullopt;
    const size_t depth = scanner.depth();
    if (e == XmlEvent::kEndElement) {
      if (in_case && depth == case_depth) {
        in_case = false;
        Result r;
        bool flaky = false;
        if (case_skipped) {
          r = Result::kSkipped;
        } else if (case_failure != Result::kPassed) {
          r = case_failure;
        } else if (case_status == "notrun" || case_status == "disabled" ||
                   case_result == "skipped" || case_result == "suppressed") {
          r = Result::kSkipped;
        } else {
          r = Result::kPassed;
          flaky = case_flaky;
        }
        chain.back().suite.counts.Add(r, flaky);
        chain.back().case_seconds.push_back(case_duration);
      } else if (!in_case && depth == chain.size()) {
        close_suite();
      }
      if (depth == properties_depth) properties_depth = 0;
      if (first_open && !root_is_suite && depth == 2) first_open = false;
      continue;
    }
    if (e != XmlEvent::kStartElement) continue;
    const std::string_view tag = scanner.name();
    if (in_case) {
      if (depth != case_depth + 1) continue;
      if (tag == "skipped") {
        case_skipped = true;
      } else if (tag == "failure") {
        if (case_failure == Result::kPassed) case_failure = Result::kFailed;
      } else if (tag == "error") {
        if (case_failure == Result::kPassed) case_failure = Result::kError;
      } else if (tag == "flakyFailure" || tag == "flakyError") {
        case_flaky = true;
      }
      continue;
    }
    if (properties_depth != 0 && depth == properties_depth + 1) {
      if (tag == "property") {
        const XmlAttribute* n = scanner.FindAttribute("name");
        if (n != nullptr && StreamValue(*n) == "go.version") go_version = true;
      }
      continue;
    }
    if (first_open && depth == first_depth + 1 && tag == "properties" &&
        !seen_properties) {
      seen_properties = true;
      if (!scanner.self_closing()) properties_depth = depth;
      continue;
    }
    if (depth != chain.size() + 1) continue;  // not a child of a suite
    if (tag == "testsuite") {
      if (first_depth == 0 && depth == 2) {
        first_depth = 2;
        first_open = true;
        if (const XmlAttribute* n = scanner.FindAttribute("name")) {
          suite_name = StreamValue(*n);
        }
      }
      open_suite();  // a self-closing one closes at its end event
    } else if (tag == "testcase") {
      chain.back().has_case = true;
      in_case = true;
      case_depth = depth;
      case_skipped = case_flaky = false;
      case_failure = Result::kPassed;
      const XmlAttribute* a = scanner.FindAttribute("status");
      case_status = a ? StreamValue(*a) : "";
      a = scanner.FindAttribute("result");
      case_result = a ? StreamValue(*a) : "";
      case_duration = AttributeSeconds(scanner.FindAttribute("time"));
    } else if (tag == "error") {
      chain.back().has_error = true;
    }
  }
  if (!chain.empty()) return std::nullopt;  // cannot happen (balanced)

  // DetectProducer, from the recorded attributes.
  if (root_name == "pytest tests" || suite_name == "pytest") {
    out.producer = "pytest";
  } else if (absl::StrContains(schema_location, "surefire")) {
    out.producer = "Surefire";
  } else if (!root_is_suite && root_name == "AllTests") {
    out.producer = "gtest";
  } else if (root_name == "jest tests") {
    out.producer = "jest-junit";
  } else if (root_name == "nextest-run") {
    out.producer = "cargo-nextest";
  } else if (suite_name == "Mocha Tests") {
    out.producer = "mocha";
  } else if (go_version) {
    out.producer = "go-junit-report";
  }
  return out;
}

absl::StatusOr<ParsedFile> ParseOneDom(std::string_view content,
                                       std::string_view name) {
  ASSIGN_OR_RETURN(std::unique_ptr<pugi::xml_document> doc,
                   ParseXml(content, name));
  pugi::xml_node root = doc->document_element();
  if (!NameIs(root, "testsuites") && !NameIs(root, "testsuite")) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": not JUnit XML: root element <", root.name(),
                     ">; expected <testsuites> or <testsuite>"));
  }
  ParsedFile out;
  out.suites = CollectSuites(root, name, &out.mismatches);
  out.producer = DetectProducer(root);
  return out;
}

absl::StatusOr<ParsedFile> ParseOne(std::string_view content,
                                    std::string_view name,
                                    bool streaming = true) {
  if (streaming) {
    if (std::optional<ParsedFile> fast = ParseOneStreaming(content, name)) {
      return *std::move(fast);
    }
  }
  return ParseOneDom(content, name);
}

Labels MakeLabels(std::string_view result, std::string_view suite) {
  Labels l;
  l.Set("result", result);
  l.Set("suite", suite);
  return l;
}

void AppendSamples(std::vector<Sample>& out, std::string_view suite,
                   const Counts& c, double duration) {
  const std::pair<const char*, int64_t> results[] = {{"passed", c.passed},
                                                     {"failed", c.failed},
                                                     {"error", c.error},
                                                     {"skipped", c.skipped}};
  for (const auto& [result, n] : results) {
    out.push_back(
        MakeSample("tests", MakeLabels(result, suite), static_cast<double>(n)));
  }
  out.push_back(MakeSample("tests_flaky", MakeLabels("", suite),
                           static_cast<double>(c.flaky)));
  out.push_back(
      MakeSample("tests_duration_seconds", MakeLabels("", suite), duration));
}

ArtifactData BuildArtifact(const Report& report, std::string format,
                           std::vector<std::string> warnings) {
  ArtifactData data;
  data.format = std::move(format);
  data.warnings = std::move(warnings);
  data.samples.detail_labels = {"suite"};
  Counts total;
  for (const Suite& s : report.suites) total.Add(s.counts);
  AppendSamples(data.samples.samples, "", total, report.duration);
  // Suites that share a name but not an id stay apart in Jenkins; the
  // `suite` label is the name, so their samples are summed here.
  std::vector<std::pair<std::string, std::pair<Counts, double>>> by_name;
  for (const Suite& s : report.suites) {
    auto it = std::find_if(by_name.begin(), by_name.end(),
                           [&s](const auto& e) { return e.first == s.name; });
    if (it == by_name.end()) {
      by_name.push_back({s.name, {s.counts, s.duration}});
    } else {
      it->second.first.Add(s.counts);
      it->second.second += s.duration;
    }
  }
  for (const auto& [suite, value] : by_name) {
    AppendSamples(data.samples.samples, suite, value.first, value.second);
  }
  return data;
}

// "JUnit XML", "JUnit XML (pytest)", "JUnit XML (Surefire, 3 files)".
std::string FormatName(const std::string& producer, size_t files) {
  std::string detail = producer;
  if (files > 1) {
    absl::StrAppend(&detail, detail.empty() ? "" : ", ", files, " files");
  }
  return detail.empty() ? "JUnit XML"
                        : absl::StrCat("JUnit XML (", detail, ")");
}

std::string NoTestcasesWarning(std::string_view name) {
  return absl::StrCat(Sv(name), ": no testcases");
}

// The `tests` metric_inconclusive reason for the files whose counters
// disagree with their testcases (`files`: name, CheckClaim findings).
std::string CountersReason(
    const std::vector<std::pair<std::string, std::vector<std::string>>>&
        files) {
  constexpr size_t kMaxShown = 5;
  std::string out;
  size_t shown = 0, total = 0;
  for (const auto& [name, found] : files) {
    for (size_t i = 0; i < found.size(); ++i, ++total) {
      if (shown == kMaxShown) continue;
      absl::StrAppend(&out, out.empty() ? "" : "; ", i == 0 ? name : "",
                      i == 0 ? ": " : "", found[i]);
      ++shown;
    }
  }
  if (total > shown) absl::StrAppend(&out, "; and ", total - shown, " more");
  absl::StrAppend(&out,
                  "; the report's counters disagree with its testcases "
                  "(cases lost or truncated?); set `counters: "
                  "trust-testcases` on the source to count the testcases "
                  "alone");
  return out;
}


// ParseJunit after reading: merges the suites, warns without testcases.
ArtifactData JunitArtifact(ParsedFile file, std::string_view name) {
  Report report;
  for (Suite& s : file.suites) AddSuite(report, std::move(s));
  std::vector<std::string> warnings;
  if (report.testcases == 0) warnings.push_back(NoTestcasesWarning(name));
  ArtifactData data = BuildArtifact(report, FormatName(file.producer, 1),
                                    std::move(warnings));
  if (!file.mismatches.empty()) {
    data.metric_inconclusive["tests"] =
        CountersReason({{std::string(name), std::move(file.mismatches)}});
  }
  return data;
}

}  // namespace

absl::StatusOr<ArtifactData> ParseJunit(std::string_view content,
                                        std::string_view name) {
  ASSIGN_OR_RETURN(ParsedFile file, ParseOne(content, name));
  return JunitArtifact(std::move(file), name);
}

absl::StatusOr<ArtifactData> ParseJunitDom(std::string_view content,
                                           std::string_view name) {
  ASSIGN_OR_RETURN(ParsedFile file,
                   ParseOne(content, name, /*streaming=*/false));
  return JunitArtifact(std::move(file), name);
}

std::optional<ArtifactData> TryParseJunitStreaming(std::string_view content,
                                                   std::string_view name) {
  std::optional<ParsedFile> file = ParseOneStreaming(content, name);
  if (!file) return std::nullopt;
  return JunitArtifact(*std::move(file), name);
}

absl::StatusOr<ArtifactData> ParseJunitFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  if (files.empty()) {
    return absl::InvalidArgumentError("no JUnit XML files to read");
  }
  Report report;
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, std::vector<std::string>>> mismatches;
  std::optional<std::string> producer;
  for (const auto& [name, content] : files) {
    ASSIGN_OR_RETURN(ParsedFile file, ParseOne(content, name));
    if (!file.mismatches.empty()) {
      mismatches.emplace_back(name, std::move(file.mismatches));
    }
    int64_t cases = 0;
    for (Suite& s : file.suites) {
      cases += s.counts.total();
      AddSuite(report, std::move(s));
    }
    if (cases == 0) warnings.push_back(NoTestcasesWarning(name));
    if (!producer) {
      producer = file.producer;
    } else if (*producer != file.producer) {
      producer = "";
    }
  }
  ArtifactData data = BuildArtifact(
      report, FormatName(*producer, files.size()), std::move(warnings));
  if (!mismatches.empty()) {
    data.metric_inconclusive["tests"] = CountersReason(mismatches);
  }
  return data;
}

}  // namespace aurora
