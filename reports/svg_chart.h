// File: reports/svg_chart.h
// Inline SVG line charts of a live rule's history for the HTML report, and
// the downsampler that keeps them small: a 24 h window at a 15 s step (5760
// points a series) becomes at most two points per pixel column (the column's
// minimum and maximum, in time order), so the shape and the extremes survive
// and the markup stays bounded whatever the window.
//
// Pure: series, window and criteria in, XHTML-compatible SVG text out. Every
// string that reaches the markup (labels, criteria) is escaped; every
// coordinate is finite (NaN and ±Inf samples are drawn as markers, never
// written as numbers).
#ifndef AURORA_REPORTS_SVG_CHART_H_
#define AURORA_REPORTS_SVG_CHART_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/sample.h"
#include "rules/outcome.h"

namespace aurora {

// One point of a chart line: `t` in seconds since the window start.
struct ChartPoint {
  double t = 0;
  double v = 0;
};

// A sample that cannot be drawn on the value axis.
enum class SpecialValue { kNaN, kPosInf, kNegInf };
struct SpecialPoint {
  double t = 0;
  SpecialValue kind = SpecialValue::kNaN;
};

// A series reduced for drawing. Consecutive points of one segment are joined;
// a segment ends where the series has a gap (two samples further apart than
// 1.5 steps: a missing or stale sample) or a NaN/±Inf sample. Points
// outside the window are dropped.
struct DownsampledSeries {
  std::vector<std::vector<ChartPoint>> segments;  // finite values only
  // NaN and ±Inf samples, at most one per kind and pixel column.
  std::vector<SpecialPoint> specials;
  bool reduced = false;  // min/max per column applied (else every point kept)
  size_t points() const;  // total points over all segments
};

// Reduces `points` (ascending timestamps) to at most 2 * `columns` points
// over [start, end] split into `columns` equal pixel columns. When the window
// holds no more than 2 * columns finite points they are kept as they are;
// otherwise each column keeps its minimum and maximum (in time order), and
// a column joins the previous one only when no gap or NaN/±Inf lies between
// them (a gap narrower than one column is below what the chart can show).
// `step_seconds` <= 0 disables gap detection by time. columns >= 1.
DownsampledSeries Downsample(const std::vector<Point>& points,
                             absl::Time start, absl::Time end,
                             double step_seconds, int columns);

// A threshold line: an absolute criterion of the rule.
struct ChartThreshold {
  Outcome kind = Outcome::kPass;  // which list it came from: pass/warn/fail
  double value = 0;
  std::string text;               // the criterion as written, e.g. "> 0.05"
};

// A stretch of the window where the rule's criteria judge a point as
// failing (or warning), in seconds since the window start.
struct ChartStretch {
  double from = 0;
  double to = 0;
  Outcome outcome = Outcome::kFail;  // kFail or kWarn
};

struct ChartSpec {
  std::string id;     // unique in the page (ASCII, safe); prefixes inner ids
  std::string title;  // what the chart shows, e.g. the rule name (untrusted)
  absl::Time start;   // window start
  absl::Time end;     // window end (the evaluation time)
  double step_seconds = 0;
  std::vector<const Series*> series;  // drawn in this order, up to the cap
  size_t max_series = 10;
  std::vector<ChartThreshold> thresholds;
  std::vector<ChartStretch> stretches;
  absl::Duration for_window = absl::ZeroDuration();  // zero: not marked
  // What the values measure (base/units.h name, "" for none): axis ticks,
  // the description's min/max/last are written in it.
  std::string unit;
  // Text for the description naming criteria not drawn (relative ones).
  std::string undrawn_criteria;
  int width = 720;  // px, whole SVG
  int height = 240;
};

// <figure class="chart-figure"> holding <svg class="chart" role="img"> with
// <title>/<desc> (min, max and last value, thresholds, failing stretches,
// the `for` window), then an HTML legend (one entry per drawn series, with
// the series' dash pattern and marker shape) and, when series were left out,
// "N more series not drawn". Elements tests can query: path.series
// (data-series), line.threshold (data-kind, data-value), rect.stretch
// (data-outcome), rect.for-window, path.special, g.x-axis/g.y-axis text.
std::string RenderChart(const ChartSpec& spec);

// The x pixel of seconds-since-start `t` and the y pixel of value `v` in a
// chart laid out as RenderChart lays out `spec` (for tests: a threshold
// line must sit at the threshold's y).
struct ChartLayout {
  double plot_left = 0, plot_right = 0, plot_top = 0, plot_bottom = 0;
  double y_min = 0, y_max = 1;  // value domain after padding to nice ticks
  double y_step = 0.25;         // between value ticks
  double window_seconds = 1;
  double X(double t) const;
  double Y(double v) const;
  int columns() const;  // pixel columns of the plot area
};
ChartLayout LayoutChart(const ChartSpec& spec);

}  // namespace aurora

#endif  // AURORA_REPORTS_SVG_CHART_H_
