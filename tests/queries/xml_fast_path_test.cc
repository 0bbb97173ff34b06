// Differential test of the streaming XML fast paths (queries/xml_scanner.h):
// for every Cobertura/JaCoCo/JUnit file in tests/testdata, in
// ../shared/fixtures/real (read in place: some licences keep them out of the
// repository) and examples/artifacts, and for truncated and byte-flipped
// variants of each, ParseCoverage / ParseJunit (streaming first) must equal
// the DOM path exactly: same samples (labels, value bits; NaN == NaN), detail
// labels, format and warnings, or the same error message.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "queries/artifact.h"
#include "queries/cobertura_reader_internal.h"
#include "queries/coverage_reader.h"
#include "queries/coverage_reader_internal.h"
#include "queries/junit_reader.h"
#include "queries/junit_reader_internal.h"
#include "queries/xml_scanner.h"
#include "tests/queries/coverage_test_util.h"

namespace aurora {
namespace {

namespace fs = std::filesystem;
using ::aurora::testing::ReadFileOrFail;

bool SameValue(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

// Empty when equal, else what differs.
std::string Diff(const ArtifactData& a, const ArtifactData& b) {
  if (a.format != b.format) return "format: " + a.format + " vs " + b.format;
  if (a.warnings != b.warnings) return "warnings differ";
  if (a.metric_inconclusive != b.metric_inconclusive) {
    return "metric_inconclusive differ";
  }
  if (a.samples.detail_labels != b.samples.detail_labels) {
    return "detail labels differ";
  }
  const auto& x = a.samples.samples;
  const auto& y = b.samples.samples;
  if (x.size() != y.size()) {
    return "sample count " + std::to_string(x.size()) + " vs " +
           std::to_string(y.size());
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].labels.ToString() != y[i].labels.ToString()) {
      return "sample " + std::to_string(i) + " labels " +
             x[i].labels.ToString() + " vs " + y[i].labels.ToString();
    }
    if (!SameValue(x[i].value, y[i].value)) {
      return "sample " + x[i].labels.ToString() + " value " +
             std::to_string(x[i].value) + " vs " + std::to_string(y[i].value);
    }
  }
  return "";
}

std::string Diff(const absl::StatusOr<ArtifactData>& a,
                 const absl::StatusOr<ArtifactData>& b) {
  if (a.ok() != b.ok()) {
    return "one failed: " + (a.ok() ? b.status() : a.status()).ToString();
  }
  if (!a.ok()) {
    return a.status() == b.status()
               ? ""
               : a.status().ToString() + " vs " + b.status().ToString();
  }
  return Diff(*a, *b);
}

// Truncations at several offsets and single-byte substitutions spread over
// the file (deterministic), plus the file itself first.
std::vector<std::string> Variants(const std::string& text) {
  std::vector<std::string> out = {text};
  const size_t n = text.size();
  for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, n / 7, n / 3, n / 2,
                     n * 2 / 3, n - n / 10, n > 2 ? n - 2 : 0,
                     n > 1 ? n - 1 : 0}) {
    if (cut < n) out.push_back(text.substr(0, cut));
  }
  const char kBytes[] = {'<', '>', '&', '"', '\'', '/', '=', ' ', 'x', '\0',
                         '\n', static_cast<char>(0xFF),
                         static_cast<char>(0xC3), '-', '?', '!', '[', ']'};
  uint64_t state = 0x9E3779B97F4A7C15ULL ^ n;
  for (int k = 0; k < 60 && n > 0; ++k) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t at = static_cast<size_t>(state >> 33) % n;
    // Prefer markup: move to the next '<', '"' or '=' half of the time.
    if (k % 2 == 0) {
      size_t m = text.find_first_of("<\"=&", at);
      if (m != std::string::npos) at = m + (k % 4 == 0 ? 1 : 0);
      if (at >= n) at = n - 1;
    }
    std::string v = text;
    v[at] = kBytes[(state >> 13) % sizeof kBytes];
    if (v != text) out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::string> XmlFilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") {
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::string kTestdata = AURORA_TESTDATA_DIR;
const std::string kReal = std::string(AURORA_SHARED_DIR) + "/fixtures/real";
const std::string kExamples =
    std::string(AURORA_TESTDATA_DIR) + "/../../examples/artifacts";

std::vector<std::string> CoverageFiles() {
  std::vector<std::string> files;
  for (const std::string& dir :
       {kTestdata + "/coverage", kReal + "/cobertura", kReal + "/jacoco"}) {
    for (std::string& f : XmlFilesIn(dir)) files.push_back(std::move(f));
  }
  files.push_back(kExamples + "/pass/coverage.xml");
  files.push_back(kExamples + "/fail/coverage.xml");
  return files;
}

std::vector<std::string> JunitFiles() {
  std::vector<std::string> files = XmlFilesIn(kTestdata + "/junit");
  for (std::string& f : XmlFilesIn(kReal + "/junit")) {
    files.push_back(std::move(f));
  }
  files.push_back(kExamples + "/pass/testnet_integration_results.xml");
  files.push_back(kExamples + "/fail/testnet_integration_results.xml");
  return files;
}

TEST(XmlFastPathTest, CoverageStreamingEqualsDomOnFixturesAndMutations) {
  int streamed = 0, variants = 0;
  for (const std::string& path : CoverageFiles()) {
    const std::string text = ReadFileOrFail(path);
    for (const std::string& v : Variants(text)) {
      ++variants;
      absl::StatusOr<ArtifactData> dom = ParseCoverageDom(v, path);
      EXPECT_EQ(Diff(ParseCoverage(v, path), dom), "")
          << path << " variant " << variants;
      if (std::optional<ArtifactData> fast = TryParseCoberturaStreaming(v)) {
        ++streamed;
        ASSERT_TRUE(dom.ok()) << path << ": streaming accepted what the DOM "
                              << "rejects: " << dom.status();
        EXPECT_EQ(Diff(*fast, *dom), "") << path;
      }
    }
  }
  EXPECT_GT(streamed, 10);
  EXPECT_GT(variants, 500);
}

TEST(XmlFastPathTest, JunitStreamingEqualsDomOnFixturesAndMutations) {
  int streamed = 0, variants = 0;
  for (const std::string& path : JunitFiles()) {
    const std::string text = ReadFileOrFail(path);
    for (const std::string& v : Variants(text)) {
      ++variants;
      absl::StatusOr<ArtifactData> dom = ParseJunitDom(v, path);
      EXPECT_EQ(Diff(ParseJunit(v, path), dom), "")
          << path << " variant " << variants;
      if (std::optional<ArtifactData> fast = TryParseJunitStreaming(v, path)) {
        ++streamed;
        ASSERT_TRUE(dom.ok()) << path << ": streaming accepted what the DOM "
                              << "rejects: " << dom.status();
        EXPECT_EQ(Diff(*fast, *dom), "") << path;
      }
    }
  }
  EXPECT_GT(streamed, 20);
  EXPECT_GT(variants, 1000);
}

// Both paths on hand-made edge cases; `streams` says whether the streaming
// path must take the input (true) or decline it (false).
struct EdgeCase {
  const char* xml;
  bool streams;
};

TEST(XmlFastPathTest, JunitEdgeCasesAgreeAndTheFastPathTakesTheCommonOnes) {
  const EdgeCase cases[] = {
      {"<testsuites><testsuite name='a' time='1.5'><testcase time='0.1'/>"
       "<error/><testcase time='0.2'><failure/><error/></testcase>"
       "</testsuite></testsuites>",
       true},
      {"\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?>\n<!-- c -->"
       "<testsuite name='x&amp;y' package='p&#x41;'><testcase name='t'"
       " status='notrun'/><testcase result='skipped'/><testcase>"
       "<flakyFailure/></testcase><?pi data?><![CDATA[ <x> ]]></testsuite>",
       true},
      {"<testsuites name='AllTests'><testsuite name='s'><testsuite name='s'>"
       "<testcase time='1,000.5'/></testsuite><testcase time='2s'/>"
       "</testsuite><testsuite><properties><property name='go.version'/>"
       "</properties><testcase/></testsuite></testsuites>",
       true},
      {"<testsuite name='a\tb\r\nc'><testcase time='&#49;'/></testsuite>",
       true},
      {"<testsuites><testsuite name='a' id='1'><testcase/></testsuite>"
       "<testsuite name='a' id='2'><testcase time='3'/></testsuite>"
       "</testsuites>",
       true},
      {"<testsuites/>", true},
      {"<testsuite name='a' name='b'><testcase/></testsuite>", false},
      {"<?xml version='1.0' encoding='ISO-8859-1'?><testsuite name='\xE9'>"
       "<testcase/></testsuite>",
       false},
      {"<!DOCTYPE t [<!ENTITY e 'x'>]><testsuite name='&e;'/>", false},
      {"<testsuite name='&nbsp;'><testcase/></testsuite>", false},
      {"<report/>", false},
      {"<testsuite><testcase></testsuite>", false},
      {"<testsuite a='<'/>", false},
      {"", false},
  };
  for (const EdgeCase& c : cases) {
    absl::StatusOr<ArtifactData> dom = ParseJunitDom(c.xml, "t.xml");
    EXPECT_EQ(Diff(ParseJunit(c.xml, "t.xml"), dom), "") << c.xml;
    std::optional<ArtifactData> fast = TryParseJunitStreaming(c.xml, "t.xml");
    EXPECT_EQ(fast.has_value(), c.streams) << c.xml;
    if (fast) {
      ASSERT_TRUE(dom.ok()) << c.xml << ": " << dom.status();
      EXPECT_EQ(Diff(*fast, *dom), "") << c.xml;
    }
  }
}

TEST(XmlFastPathTest, CoberturaEdgeCasesAgreeAndTheFastPathTakesTheCommonOnes) {
  const EdgeCase cases[] = {
      {"<?xml version=\"1.0\" ?>\n<coverage version=\"7.4.1\" "
       "lines-valid=\"3\" lines-covered=\"2\" line-rate=\"0.6\">\n"
       "\t<!-- Generated by coverage.py: https://coverage.readthedocs.io -->\n"
       "<packages><package name=\"\"><classes><class name=\"a\" "
       "filename=\"a&amp;b.py\"><methods><method><lines><line number=\"1\" "
       "hits=\"1\"/></lines></method></methods><lines><line number=\"1\" "
       "hits=\"1\"/><line number=\"2\" hits=\"0\" branch=\"true\" "
       "condition-coverage=\"50% (1/2)\"/><line number=\"3\" hits=\"2.0\"/>"
       "</lines></class></classes></package></packages></coverage>",
       true},
      {"<coverage line-rate='1'/>", true},
      {"<coverage lines-valid='1' lines-covered='5' line-rate='1'><packages/>"
       "</coverage>",
       false},
      {"<coverage line-rate='1'><packages><package name='p'><classes>"
       "<class name='c'/></classes></package></packages></coverage>",
       false},
      {"<coverage line-rate='1'><packages/><packages/></coverage>", false},
      {"<coverage clover='4'><project/></coverage>", false},
      {"<coverage><sources/></coverage>", false},
      {"<coverage line-rate='1'><packages><package><classes><class "
       "filename='f'><lines><line hits='x'/></lines></class></classes>"
       "</package></packages></coverage>",
       false},
      {"<!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" "
       "\"report.dtd\"><report name='r'/>",
       false},
  };
  for (const EdgeCase& c : cases) {
    absl::StatusOr<ArtifactData> dom = ParseCoverageDom(c.xml, "c.xml");
    EXPECT_EQ(Diff(ParseCoverage(c.xml, "c.xml"), dom), "") << c.xml;
    std::optional<ArtifactData> fast = TryParseCoberturaStreaming(c.xml);
    EXPECT_EQ(fast.has_value(), c.streams) << c.xml;
    if (fast) {
      ASSERT_TRUE(dom.ok()) << c.xml << ": " << dom.status();
      EXPECT_EQ(Diff(*fast, *dom), "") << c.xml;
    }
  }
}

TEST(XmlFastPathTest, StreamingTakesTheRealCoberturaAndJunitFiles) {
  for (const char* f : {"coveragepy-4.3.4-codeclimate-example.xml",
                        "coveragepy-gold-y_xml_branch.xml",
                        "gcovr-8.6-nested-gcc5.xml",
                        "grandlinex-core-istanbul-jest.xml"}) {
    EXPECT_TRUE(TryParseCoberturaStreaming(
                    ReadFileOrFail(kTestdata + "/coverage/" + f))
                    .has_value())
        << f;
  }
  EXPECT_TRUE(TryParseCoberturaStreaming(
                  ReadFileOrFail(kExamples + "/pass/coverage.xml"))
                  .has_value());
  int streamed = 0;
  const std::vector<std::string> files = XmlFilesIn(kTestdata + "/junit");
  for (const std::string& path : files) {
    if (TryParseJunitStreaming(ReadFileOrFail(path), path)) ++streamed;
  }
  // All but NEGATIVE-non-junit-root.xml (root <checkstyle>).
  EXPECT_EQ(streamed, static_cast<int>(files.size()) - 1);
}

// The scanner itself: events, attributes, decoding and error offsets.
TEST(XmlScannerTest, YieldsElementsAttributesAndDecodedValues) {
  XmlScanner s("<?xml version='1.0'?><a x=\"1\" y='a&lt;&#x263A;\tb'>"
               "t<b/><!--c--></a>",
               {.report_text = true});
  ASSERT_EQ(s.Next(), XmlEvent::kStartElement);
  EXPECT_EQ(s.name(), "a");
  EXPECT_EQ(s.depth(), 1u);
  ASSERT_EQ(s.attributes().size(), 2u);
  EXPECT_TRUE(s.attributes()[0].plain);
  EXPECT_EQ(s.attributes()[0].raw_value, "1");
  EXPECT_FALSE(s.attributes()[1].plain);
  std::string v;
  ASSERT_TRUE(XmlAttributeValue(s.attributes()[1], &v));
  EXPECT_EQ(v, "a<\xE2\x98\xBA b");
  ASSERT_EQ(s.Next(), XmlEvent::kText);
  EXPECT_EQ(s.text(), "t");
  ASSERT_EQ(s.Next(), XmlEvent::kStartElement);
  EXPECT_EQ(s.name(), "b");
  EXPECT_TRUE(s.self_closing());
  EXPECT_EQ(s.depth(), 2u);
  ASSERT_EQ(s.Next(), XmlEvent::kEndElement);
  EXPECT_EQ(s.name(), "b");
  ASSERT_EQ(s.Next(), XmlEvent::kEndElement);
  EXPECT_EQ(s.name(), "a");
  EXPECT_EQ(s.Next(), XmlEvent::kEndOfDocument);
  EXPECT_EQ(s.Next(), XmlEvent::kEndOfDocument);
}

// Runs the scanner to the end; the error offset, or -1 when well-formed.
long ErrorOffset(std::string_view xml) {
  XmlScanner s(xml);
  for (;;) {
    XmlEvent e = s.Next();
    if (e == XmlEvent::kEndOfDocument) return -1;
    if (e == XmlEvent::kError) return static_cast<long>(s.error_offset());
  }
}

TEST(XmlScannerTest, ReportsTheOffsetOfTheFirstProblem) {
  EXPECT_EQ(ErrorOffset("<a><b></a>"), 8);            // mismatched end tag
  EXPECT_EQ(ErrorOffset("<a><b>"), 6);                // unclosed at the end
  EXPECT_EQ(ErrorOffset("<a x='1' x='2'/>"), 9);      // duplicate attribute
  EXPECT_EQ(ErrorOffset("<a x='1'y='2'/>"), 8);       // no white space
  EXPECT_EQ(ErrorOffset("<a x=1/>"), 5);              // unquoted
  EXPECT_EQ(ErrorOffset("<a x='&foo;'/>"), 6);        // unknown entity
  EXPECT_EQ(ErrorOffset("<a>&#0;</a>"), 3);           // not a Char
  EXPECT_EQ(ErrorOffset("<a><!-- x -- y --></a>"), 10);
  EXPECT_EQ(ErrorOffset("<a/><b/>"), 4);              // second root
  EXPECT_EQ(ErrorOffset("x<a/>"), 0);                 // text before root
  EXPECT_EQ(ErrorOffset("<a>\xC3</a>"), 3);           // invalid UTF-8
  EXPECT_EQ(ErrorOffset(std::string_view("<a>\0</a>", 8)), 3);
  EXPECT_EQ(ErrorOffset("<!DOCTYPE a [<!ENTITY e 'x'>]><a/>"), 12);
  EXPECT_EQ(ErrorOffset("<a><?xml version='1.0'?></a>"), 3);
  EXPECT_EQ(ErrorOffset("<?xml version='1.0' encoding='latin1'?><a/>"), 30);
  EXPECT_EQ(ErrorOffset(""), 0);                      // no root
  EXPECT_EQ(ErrorOffset("\xEF\xBB\xBF<!DOCTYPE a SYSTEM 'a.dtd'><a/>"), -1);
  EXPECT_EQ(ErrorOffset("<a><![CDATA[<&]]>&amp;</a >"), -1);
}

}  // namespace
}  // namespace aurora
