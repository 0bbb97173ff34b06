#include "reports/svg_chart.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pugixml.hpp"
#include "tests/reports/html_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

const absl::Time kEnd = testing::HtmlEvalTime();
const absl::Duration kStep = absl::Seconds(15);

// 24 h at 15 s: 5761 points ending at kEnd.
Series Day(double (*value)(int)) {
  return testing::MakeHistory({}, kEnd, kStep, 24 * 240 + 1, value);
}

size_t CountPoints(const DownsampledSeries& ds) {
  size_t n = 0;
  for (const auto& seg : ds.segments) n += seg.size();
  return n;
}

TEST(DownsampleTest, KeepsEveryPointOfAShortWindow) {
  const Series s = testing::MakeHistory({}, kEnd, kStep, 121,
                                        [](int i) { return i * 1.0; });
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Minutes(30), kEnd, 15, 640);
  EXPECT_FALSE(ds.reduced);
  ASSERT_EQ(ds.segments.size(), 1u);
  ASSERT_EQ(ds.segments[0].size(), 121u);
  EXPECT_EQ(ds.points(), 121u);
  EXPECT_DOUBLE_EQ(ds.segments[0].front().t, 0);
  EXPECT_DOUBLE_EQ(ds.segments[0].back().t, 1800);
  EXPECT_DOUBLE_EQ(ds.segments[0].back().v, 120);
}

TEST(DownsampleTest, ADayIsBoundedAndKeepsItsExtremes) {
  Series s = Day([](int i) { return std::sin(i / 50.0); });
  s.points[3000].value = 42;    // one-sample spike
  s.points[4444].value = -17;   // one-sample dip
  const int columns = 640;
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Hours(24), kEnd, 15, columns);
  EXPECT_TRUE(ds.reduced);
  EXPECT_LE(CountPoints(ds), 2u * columns);
  EXPECT_GE(CountPoints(ds), columns);  // every column has data
  ASSERT_EQ(ds.segments.size(), 1u);    // no gap, one line
  double lo = kInf, hi = -kInf, prev_t = -1;
  for (const ChartPoint& p : ds.segments[0]) {
    lo = std::min(lo, p.v);
    hi = std::max(hi, p.v);
    EXPECT_GE(p.t, prev_t) << "points stay in time order";
    prev_t = p.t;
  }
  EXPECT_EQ(hi, 42);
  EXPECT_EQ(lo, -17);
  // The extremes stay at their own time.
  bool spike_at_time = false;
  for (const ChartPoint& p : ds.segments[0]) {
    if (p.v == 42) spike_at_time = p.t == 3000 * 15.0;
  }
  EXPECT_TRUE(spike_at_time);
}

TEST(DownsampleTest, PointCountBoundedForAnyDensity) {
  std::vector<Point> points;
  uint32_t seed = 7;
  for (int i = 0; i < 200000; ++i) {
    seed = seed * 1664525u + 1013904223u;
    points.push_back({kEnd - absl::Hours(24) + absl::Milliseconds(i * 432),
                      static_cast<double>(seed % 1000)});
  }
  for (int columns : {1, 7, 300, 800}) {
    const DownsampledSeries ds =
        Downsample(points, kEnd - absl::Hours(24), kEnd, 0.432, columns);
    EXPECT_LE(ds.points(), 2u * columns) << columns;
    EXPECT_GT(ds.points(), 0u);
  }
}

TEST(DownsampleTest, AGapStaysAGapWhenReduced) {
  Series s = Day([](int i) { return i % 2 ? 1.0 : 2.0; });
  // No samples from 06:00 to 07:00 (a stale series).
  const double gap_from = 6 * 3600, gap_to = 7 * 3600;
  std::erase_if(s.points, [&](const Point& p) {
    const double t = absl::ToDoubleSeconds(p.timestamp - (kEnd - absl::Hours(24)));
    return t > gap_from && t < gap_to;
  });
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Hours(24), kEnd, 15, 640);
  ASSERT_TRUE(ds.reduced);
  ASSERT_EQ(ds.segments.size(), 2u);
  EXPECT_LE(ds.segments[0].back().t, gap_from);
  EXPECT_GE(ds.segments[1].front().t, gap_to);
}

TEST(DownsampleTest, MissingPointsBreakTheLineWhenKept) {
  Series s = testing::MakeHistory({}, kEnd, kStep, 121,
                                  [](int) { return 1.0; });
  s.points.erase(s.points.begin() + 50);  // one missing sample
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Minutes(30), kEnd, 15, 640);
  ASSERT_EQ(ds.segments.size(), 2u);
  EXPECT_EQ(ds.segments[0].size(), 50u);
  EXPECT_EQ(ds.segments[1].size(), 70u);
}

TEST(DownsampleTest, NaNAndInfinitiesBecomeMarkersAndBreakTheLine) {
  Series s = testing::MakeHistory({}, kEnd, kStep, 121,
                                  [](int) { return 1.0; });
  s.points[10].value = kNaN;
  s.points[20].value = kInf;
  s.points[30].value = -kInf;
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Minutes(30), kEnd, 15, 640);
  EXPECT_EQ(ds.segments.size(), 4u);
  EXPECT_EQ(ds.points(), 118u);
  ASSERT_EQ(ds.specials.size(), 3u);
  EXPECT_EQ(ds.specials[0].kind, SpecialValue::kNaN);
  EXPECT_DOUBLE_EQ(ds.specials[0].t, 150);
  EXPECT_EQ(ds.specials[1].kind, SpecialValue::kPosInf);
  EXPECT_EQ(ds.specials[2].kind, SpecialValue::kNegInf);
  for (const auto& seg : ds.segments) {
    for (const ChartPoint& p : seg) EXPECT_TRUE(std::isfinite(p.v));
  }
}

TEST(DownsampleTest, ManyNaNsGiveAtMostOneMarkerPerColumn) {
  const Series s = Day([](int) { return kNaN; });
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Hours(24), kEnd, 15, 100);
  EXPECT_TRUE(ds.segments.empty());
  EXPECT_EQ(ds.specials.size(), 100u);
}

TEST(DownsampleTest, PointsOutsideTheWindowAreDropped) {
  const Series s = testing::MakeHistory({}, kEnd, kStep, 241,
                                        [](int i) { return i * 1.0; });
  const DownsampledSeries ds =
      Downsample(s.points, kEnd - absl::Minutes(30), kEnd, 15, 640);
  ASSERT_EQ(ds.points(), 121u);
  EXPECT_EQ(ds.segments[0].front().v, 120);
}

// --- RenderChart -------------------------------------------------------

pugi::xml_document Parse(const std::string& markup) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r =
      doc.load_string(markup.c_str(), pugi::parse_default | pugi::parse_ws_pcdata);
  EXPECT_TRUE(r) << r.description() << " at " << r.offset << "\n" << markup;
  return doc;
}

ChartSpec SpecFor(const std::vector<Series>& series) {
  ChartSpec spec;
  spec.id = "c";
  spec.title = "error-rate";
  spec.start = kEnd - absl::Minutes(30);
  spec.end = kEnd;
  spec.step_seconds = 15;
  for (const Series& s : series) spec.series.push_back(&s);
  return spec;
}

double Attr(const pugi::xml_node& n, const char* name) {
  const char* text = n.attribute(name).value();
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  EXPECT_TRUE(*text != '\0' && *end == '\0') << name << "=" << text;
  return v;
}

TEST(RenderChartTest, ThresholdLineSitsOnItsValueOnTheAxis) {
  const std::vector<Series> series = {testing::MakeHistory(
      {}, kEnd, kStep, 121, [](int i) { return 0.001 * (i % 40); })};
  ChartSpec spec = SpecFor(series);
  spec.thresholds = {{Outcome::kPass, 0.01, "< 0.01"},
                     {Outcome::kFail, 0.04, "> 0.04"}};
  const pugi::xml_document doc = Parse(RenderChart(spec));
  const pugi::xml_node fail =
      doc.select_node("//line[@data-kind='fail']").node();
  ASSERT_TRUE(fail);
  EXPECT_THAT(std::string(fail.attribute("class").value()), HasSubstr("threshold"));
  EXPECT_EQ(std::string(fail.attribute("data-value").value()), "0.04");
  const pugi::xml_node pass =
      doc.select_node("//line[@data-kind='pass']").node();
  ASSERT_TRUE(pass);
  // Each threshold line is at the height of the y-axis gridline labelled
  // with its value.
  int found_ticks = 0;
  for (pugi::xpath_node t : doc.select_nodes("//g[@class='y-axis']/text")) {
    const std::string label = t.node().child_value();
    const pugi::xml_node grid = t.node().previous_sibling("line");
    if (label == "0.04") {
      EXPECT_NEAR(Attr(grid, "y1"), Attr(fail, "y1"), 0.11);
      ++found_ticks;
    } else if (label == "0.01") {
      EXPECT_NEAR(Attr(grid, "y1"), Attr(pass, "y1"), 0.11);
      ++found_ticks;
    }
  }
  EXPECT_EQ(found_ticks, 2);
  EXPECT_GT(Attr(pass, "y1"), Attr(fail, "y1")) << "0.01 is drawn below 0.04";
  const ChartLayout l = LayoutChart(spec);
  EXPECT_NEAR(Attr(fail, "y1"), l.Y(0.04), 0.051);
  EXPECT_NEAR(Attr(fail, "x1"), l.plot_left, 0.051);
  EXPECT_NEAR(Attr(fail, "x2"), l.plot_right, 0.051);
}

TEST(RenderChartTest, StretchesAndForWindowAreDrawnWhereTheyAre) {
  const std::vector<Series> series = {testing::MakeHistory(
      {}, kEnd, kStep, 121, [](int) { return 1.0; })};
  ChartSpec spec = SpecFor(series);
  spec.stretches = {{600, 900, Outcome::kFail}};
  spec.for_window = absl::Minutes(5);
  const ChartLayout l = LayoutChart(spec);
  const pugi::xml_document doc = Parse(RenderChart(spec));
  const pugi::xml_node stretch =
      doc.select_node("//rect[@data-outcome='fail']").node();
  ASSERT_TRUE(stretch);
  EXPECT_NEAR(Attr(stretch, "x"), l.X(600), 0.051);
  EXPECT_NEAR(Attr(stretch, "x") + Attr(stretch, "width"), l.X(900), 0.11);
  const pugi::xml_node for_window =
      doc.select_node("//rect[@class='for-window']").node();
  ASSERT_TRUE(for_window);
  EXPECT_NEAR(Attr(for_window, "x"), l.X(1500), 0.051);
  EXPECT_NEAR(Attr(for_window, "x") + Attr(for_window, "width"), l.plot_right,
              0.11);
  EXPECT_EQ(std::string(for_window.attribute("data-seconds").value()), "300");
}

TEST(RenderChartTest, LegendIsCappedWithANote) {
  std::vector<Series> series;
  for (int i = 0; i < 15; ++i) {
    series.push_back(testing::MakeHistory(
        {{"pod", absl::StrCat("p", i)}}, kEnd, kStep, 121,
        [i](int k) { return i + 0.01 * k; }));
  }
  ChartSpec spec = SpecFor(series);
  spec.max_series = 10;
  const std::string markup = RenderChart(spec);
  const pugi::xml_document doc = Parse(markup);
  EXPECT_EQ(doc.select_nodes("//path[contains(@class,'series')]").size(), 10u);
  EXPECT_EQ(doc.select_nodes("//ul[@class='legend']/li").size(), 10u);
  EXPECT_EQ(std::string(doc.select_node("//p[@class='more-series']")
                            .node()
                            .child_value()),
            "5 more series not drawn");
  // Lines differ without colour: ten distinct dash patterns (the first
  // solid) and ten distinct marker shapes.
  std::set<std::string> dashes, shapes;
  for (pugi::xpath_node p : doc.select_nodes("//path[@class='series']")) {
    dashes.insert(p.node().attribute("stroke-dasharray").value());
  }
  for (pugi::xpath_node p : doc.select_nodes("//path[@class='marker']")) {
    const std::string d = p.node().attribute("d").value();
    shapes.insert(d.substr(d.find_first_of("m")));
  }
  EXPECT_EQ(dashes.size(), 10u);
  EXPECT_EQ(shapes.size(), 10u);
  EXPECT_EQ(std::string(doc.select_node("//ul[@class='legend']/li/span")
                            .node()
                            .child_value()),
            "{pod=\"p0\"}");
}

TEST(RenderChartTest, TextAlternativeSummarisesTheChart) {
  const std::vector<Series> series = {testing::MakeHistory(
      {}, kEnd, kStep, 121, [](int i) { return i == 60 ? 0.08 : 0.002; })};
  ChartSpec spec = SpecFor(series);
  spec.thresholds = {{Outcome::kFail, 0.05, "> 0.05"}};
  spec.stretches = {{892.5, 907.5, Outcome::kFail}};
  spec.for_window = absl::Minutes(5);
  const pugi::xml_document doc = Parse(RenderChart(spec));
  const pugi::xml_node svg = doc.select_node("//svg").node();
  EXPECT_EQ(std::string(svg.attribute("role").value()), "img");
  EXPECT_EQ(std::string(svg.attribute("aria-labelledby").value()),
            "c-title c-desc");
  EXPECT_EQ(std::string(svg.child("title").child_value()), "error-rate");
  const std::string desc = svg.child("desc").child_value();
  EXPECT_THAT(desc, HasSubstr("min 0.002, max 0.08, last 0.002"));
  EXPECT_THAT(desc, HasSubstr("thresholds: fail > 0.05"));
  EXPECT_THAT(desc, HasSubstr("failing 11:44:52 to 11:45:07"));
  EXPECT_THAT(desc, HasSubstr("for window: the last 5m"));
}

// No NaN or infinity ever reaches a coordinate: every number in every
// geometric attribute and path parses as a finite number.
void ExpectFiniteGeometry(const pugi::xml_document& doc) {
  size_t checked = 0;
  for (pugi::xpath_node n : doc.select_nodes("//*")) {
    for (pugi::xml_attribute a : n.node().attributes()) {
      const std::string name = a.name();
      const std::string value = a.value();
      const bool geometric = name == "x" || name == "y" || name == "x1" ||
                             name == "x2" || name == "y1" || name == "y2" ||
                             name == "width" || name == "height" || name == "d";
      if (!geometric) continue;
      const std::string lower = absl::AsciiStrToLower(value);
      EXPECT_FALSE(absl::StrContains(lower, "nan")) << name << "=" << value;
      EXPECT_FALSE(absl::StrContains(lower, "inf")) << name << "=" << value;
      // Path data: commands (letters other than e), separators, numbers.
      const char* p = value.c_str();
      while (*p != '\0') {
        if (std::isalpha(static_cast<unsigned char>(*p)) || *p == ' ' ||
            *p == ',') {
          ++p;
          continue;
        }
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        ASSERT_NE(end, p) << name << "=" << value;
        EXPECT_TRUE(std::isfinite(v)) << name << "=" << value;
        ++checked;
        p = end;
      }
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST(RenderChartTest, NaNAndInfinitiesNeverBecomeCoordinates) {
  std::vector<Series> series = {
      testing::MakeHistory({}, kEnd, kStep, 121,
                           [](int i) {
                             return i % 7 == 0   ? kNaN
                                    : i % 11 == 0 ? kInf
                                    : i % 13 == 0 ? -kInf
                                                  : i * 1.5;
                           }),
      testing::MakeHistory({{"k", "all-nan"}}, kEnd, kStep, 121,
                           [](int) { return kNaN; }),
      testing::MakeHistory({{"k", "huge"}}, kEnd, kStep, 121,
                           [](int i) { return i % 2 ? 1e308 : -1e308; })};
  ChartSpec spec = SpecFor(series);
  spec.thresholds = {{Outcome::kFail, 1e300, "> 1e300"}};
  const std::string markup = RenderChart(spec);
  const pugi::xml_document doc = Parse(markup);
  ExpectFiniteGeometry(doc);
  EXPECT_GE(doc.select_nodes("//path[@class='special']").size(), 2u);
}

// Values near the limit of a double: the y axis still spans them with
// distinct finite labels (the nice grid overflows there).
TEST(RenderChartTest, ValuesNearTheDoubleLimitKeepAReadableAxis) {
  constexpr double kBig = 1.7e308;
  const std::vector<std::vector<Series>> cases = {
      {testing::MakeHistory({}, kEnd, kStep, 121,
                            [](int i) { return i % 2 ? kBig : -kBig; })},
      {testing::MakeHistory({}, kEnd, kStep, 121, [](int) { return kBig; })},
      {testing::MakeHistory({}, kEnd, kStep, 121, [](int) { return -kBig; })}};
  for (const std::vector<Series>& series : cases) {
    const double v0 = series[0].points[0].value;
    SCOPED_TRACE(v0);
    const ChartSpec spec = SpecFor(series);
    const ChartLayout l = LayoutChart(spec);
    EXPECT_LT(l.y_min, l.y_max);
    EXPECT_TRUE(std::isfinite(l.y_step) && l.y_step > 0) << l.y_step;
    EXPECT_LE(l.y_min, v0);
    EXPECT_GE(l.y_max, v0);
    const pugi::xml_document doc = Parse(RenderChart(spec));
    ExpectFiniteGeometry(doc);
    std::set<std::string> labels;
    size_t ticks = 0;
    for (pugi::xpath_node t : doc.select_nodes("//g[@class='y-axis']/text")) {
      const std::string label = t.node().child_value();
      char* end = nullptr;
      const double v = std::strtod(label.c_str(), &end);
      EXPECT_TRUE(std::isfinite(v) && *end == '\0') << label;
      labels.insert(label);
      ++ticks;
    }
    EXPECT_GE(ticks, 2u);
    EXPECT_LE(ticks, 21u);
    EXPECT_EQ(labels.size(), ticks) << "every tick has its own value";
  }
}

TEST(RenderChartTest, TimeTicksStayFewWhateverTheWindow) {
  for (absl::Duration window : {absl::Minutes(2), absl::Hours(24),
                                absl::Hours(24 * 90), absl::Hours(24 * 3650)}) {
    const std::vector<Series> series = {testing::MakeHistory(
        {}, kEnd, window / 100, 101, [](int i) { return i * 1.0; })};
    ChartSpec spec = SpecFor(series);
    spec.start = kEnd - window;
    spec.step_seconds = absl::ToDoubleSeconds(window / 100);
    const pugi::xml_document doc = Parse(RenderChart(spec));
    const size_t ticks = doc.select_nodes("//g[@class='x-axis']/line[@class='tick']").size();
    EXPECT_GE(ticks, 2u) << window;
    EXPECT_LE(ticks, 7u) << window;
    ExpectFiniteGeometry(doc);
  }
}

TEST(RenderChartTest, EmptyWindowStillRendersAxes) {
  const std::vector<Series> series = {testing::MakeHistory(
      {}, kEnd - absl::Hours(5), kStep, 10, [](int) { return 1.0; })};
  const pugi::xml_document doc = Parse(RenderChart(SpecFor(series)));
  ExpectFiniteGeometry(doc);
  EXPECT_TRUE(doc.select_node("//g[@class='x-axis']"));
}

}  // namespace
}  // namespace aurora
