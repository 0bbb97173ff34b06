#include "reports/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/units.h"
#include "base/strings.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"
#include "rules/duration.h"

namespace aurora {
namespace {

constexpr double kMarginLeft = 64, kMarginRight = 16, kMarginTop = 18,
                 kMarginBottom = 34;
// Any pixel coordinate is clamped to this (a value far off the axis still
// yields a finite, parseable number).
constexpr double kMaxCoord = 100000;

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
constexpr std::array<std::string_view, 8> kPalette = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7",
    "#E69F00", "#56B4E9", "#000000", "#F0E442"};
// A dash pattern per series index, so lines differ without colour too.
constexpr std::array<std::string_view, 10> kDashes = {
    "",    "7 3", "2 3",     "10 3 2 3", "1 4",
    "5 5", "12 4", "6 2 2 2 2 2", "3 6", "14 3 3 3"};
// A marker shape per series index (relative path from the centre).
constexpr std::array<std::string_view, 10> kMarkerShapes = {
    "m-3.5 0a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0z",  // circle
    "m-3.5-3.5h7v7h-7z",                              // square
    "m0-4.5l4.5 8h-9z",                               // triangle up
    "m0-4.5l4.5 4.5-4.5 4.5-4.5-4.5z",                // diamond
    "m0 4.5l4.5-8h-9z",                               // triangle down
    "m-4.5-1.5h3v-3h3v3h3v3h-3v3h-3v-3h-3z",          // plus
    "m-4.5-1.5h9v3h-9z",                              // bar
    "m-4 0l4-4.5 4 4.5-4 4.5z",                       // narrow diamond
    "m-4.5-4.5h9l-4.5 9z",                            // wedge
    "m-2 -4.5h4v9h-4z",                               // pillar
};

// A pixel coordinate with one decimal and no trailing ".0".
std::string Coord(double v) {
  if (!std::isfinite(v)) v = 0;  // never reached: callers clamp
  v = std::clamp(v, -kMaxCoord, kMaxCoord);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
long double NiceStep(long double raw) {
  if (!(raw > 0) || !std::isfinite(static_cast<double>(raw))) return 1;
  const long double mag = std::pow(10.0L, std::floor(std::log10(raw)));
  const long double n = raw / mag * (1 - 1e-9L);  // 1.0000000001 is 1
  const long double f = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
  return f * mag;
}

std::string TimeLabel(absl::Time t, double interval_seconds,
                      double window_seconds) {
  const char* fmt = window_seconds > 36 * 3600 ? "%m-%d %H:%M"
                    : interval_seconds < 60    ? "%H:%M:%S"
                                               : "%H:%M";
  return absl::FormatTime(fmt, t, absl::UTCTimeZone());
}

struct SeriesSummary {
  size_t finite = 0, nan = 0, pos_inf = 0, neg_inf = 0;
  double min = 0, max = 0;
  bool has_last = false;
  double last = 0;
};

SeriesSummary Summarize(const Series& s, absl::Time start, absl::Time end) {
  SeriesSummary out;
  for (const Point& p : s.points) {
    if (p.timestamp < start || p.timestamp > end) continue;
    out.has_last = true;
    out.last = p.value;
    if (std::isnan(p.value)) {
      ++out.nan;
    } else if (std::isinf(p.value)) {
      ++(p.value > 0 ? out.pos_inf : out.neg_inf);
    } else {
      out.min = out.finite == 0 ? p.value : std::min(out.min, p.value);
      out.max = out.finite == 0 ? p.value : std::max(out.max, p.value);
      ++out.finite;
    }
  }
  return out;
}

size_t DrawnCount(const ChartSpec& spec) {
  return std::min(spec.series.size(), spec.max_series);
}

}  // namespace

size_t DownsampledSeries::points() const {
  size_t n = 0;
  for (const auto& seg : segments) n += seg.size();
  return n;
}

DownsampledSeries Downsample(const std::vector<Point>& points,
                             absl::Time start, absl::Time end,
                             double step_seconds, int columns) {
  DownsampledSeries out;
  columns = std::max(columns, 1);
  const double span = std::max(absl::ToDoubleSeconds(end - start), 1e-9);
  const auto column_of = [&](double t) {
    const double c = std::floor(t / span * columns);
    return static_cast<int>(std::clamp(c, 0.0, columns - 1.0));
  };
  // Pass 1: runs of finite points between gaps and NaN/±Inf samples.
  std::vector<std::vector<ChartPoint>> runs;
  std::vector<char> special_seen(static_cast<size_t>(columns) * 3, 0);
  bool open = false, has_prev = false;
  double prev_t = 0;
  size_t finite = 0;
  for (const Point& p : points) {
    if (p.timestamp < start || p.timestamp > end) continue;
    const double t = absl::ToDoubleSeconds(p.timestamp - start);
    const bool gap = step_seconds > 0 && has_prev && t - prev_t > 1.5 * step_seconds;
    has_prev = true;
    prev_t = t;
    if (!std::isfinite(p.value)) {
      const SpecialValue kind = std::isnan(p.value) ? SpecialValue::kNaN
                                : p.value > 0      ? SpecialValue::kPosInf
                                                   : SpecialValue::kNegInf;
      char& seen = special_seen[static_cast<size_t>(column_of(t)) * 3 +
                                static_cast<size_t>(kind)];
      if (!seen) {
        seen = 1;
        out.specials.push_back({t, kind});
      }
      open = false;
      continue;
    }
    if (!open || gap) {
      runs.emplace_back();
      open = true;
    }
    runs.back().push_back({t, p.value});
    ++finite;
  }
  if (finite <= 2 * static_cast<size_t>(columns)) {
    out.segments = std::move(runs);
    return out;
  }
  // Pass 2: each column's minimum and maximum. A column continues the
  // previous segment when its first point is in the run the previous
  // non-empty column's last point is in.
  out.reduced = true;
  struct Column {
    bool any = false;
    ChartPoint min, max;
    size_t min_at = 0, max_at = 0;  // order in the input, to keep time order
    size_t first_run = 0, last_run = 0;
  };
  std::vector<Column> cols(static_cast<size_t>(columns));
  size_t order = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    for (const ChartPoint& p : runs[r]) {
      Column& c = cols[static_cast<size_t>(column_of(p.t))];
      if (!c.any) {
        c = Column{true, p, p, order, order, r, r};
      } else {
        if (p.v < c.min.v) c.min = p, c.min_at = order;
        if (p.v > c.max.v) c.max = p, c.max_at = order;
        c.last_run = r;
      }
      ++order;
    }
  }
  bool have_prev = false;
  size_t prev_run = 0;
  for (const Column& c : cols) {
    if (!c.any) continue;
    if (!have_prev || c.first_run != prev_run) out.segments.emplace_back();
    auto& seg = out.segments.back();
    if (c.min_at == c.max_at) {
      seg.push_back(c.min);
    } else if (c.min_at < c.max_at) {
      seg.push_back(c.min);
      seg.push_back(c.max);
    } else {
      seg.push_back(c.max);
      seg.push_back(c.min);
    }
    have_prev = true;
    prev_run = c.last_run;
  }
  return out;
}

double ChartLayout::X(double t) const {
  const double x = plot_left + t / window_seconds * (plot_right - plot_left);
  return std::isfinite(x) ? std::clamp(x, -kMaxCoord, kMaxCoord) : plot_left;
}

double ChartLayout::Y(double v) const {
  const long double f = (static_cast<long double>(v) - y_min) /
                        (static_cast<long double>(y_max) - y_min);
  const double y = static_cast<double>(plot_bottom - f * (plot_bottom - plot_top));
  return std::isfinite(y) ? std::clamp(y, -kMaxCoord, kMaxCoord) : plot_bottom;
}

int ChartLayout::columns() const {
  return std::max(1, static_cast<int>(plot_right - plot_left));
}

ChartLayout LayoutChart(const ChartSpec& spec) {
  ChartLayout l;
  l.plot_left = kMarginLeft;
  l.plot_right = std::max(kMarginLeft + 10, spec.width - kMarginRight);
  l.plot_top = kMarginTop;
  l.plot_bottom = std::max(kMarginTop + 10, spec.height - kMarginBottom);
  l.window_seconds = std::max(absl::ToDoubleSeconds(spec.end - spec.start), 1e-9);
  bool any = false;
  double lo = 0, hi = 0;
  const auto take = [&](double v) {
    if (!std::isfinite(v)) return;
    lo = any ? std::min(lo, v) : v;
    hi = any ? std::max(hi, v) : v;
    any = true;
  };
  for (size_t i = 0; i < DrawnCount(spec); ++i) {
    const SeriesSummary s = Summarize(*spec.series[i], spec.start, spec.end);
    if (s.finite > 0) {
      take(s.min);
      take(s.max);
    }
  }
  for (const ChartThreshold& th : spec.thresholds) take(th.value);
  if (!any) {
    lo = 0;
    hi = 1;
  }
  long double a = lo, b = hi;
  if (a == b) {
    const long double pad = a == 0 ? 1 : std::fabs(a) * 0.1L;
    a -= pad;
    b += pad;
  }
  const long double step = NiceStep((b - a) / 4);
  // (The epsilon keeps 0.04 / 0.01 = 4.0000001 from adding a tick.)
  // Near the limit of a double the rounded-out ends can overflow it: they
  // are clamped to the largest double (the step stays finite).
  constexpr long double kLimit = std::numeric_limits<double>::max();
  l.y_min = static_cast<double>(
      std::max(std::floor(a / step + 1e-9L) * step, -kLimit));
  l.y_max = static_cast<double>(
      std::min(std::ceil(b / step - 1e-9L) * step, kLimit));
  l.y_step = static_cast<double>(step);
  if (!std::isfinite(l.y_min) || !std::isfinite(l.y_max) || l.y_min >= l.y_max ||
      !std::isfinite(l.y_step)) {
    l.y_min = lo;
    l.y_max = hi > lo ? hi : lo + 1;
    l.y_step = (l.y_max - l.y_min) / 4;
  }
  return l;
}

namespace {

void AppendYAxis(const ChartLayout& l, Unit unit, std::string* out) {
  absl::StrAppend(out, "<g class=\"y-axis\">");
  const long double step = l.y_step;
  for (int k = 0; k <= 20; ++k) {
    long double v = l.y_min + k * step;
    if (v > l.y_max + step * 1e-9L) break;
    if (std::fabs(v) < step * 1e-9L) v = 0;
    const double y = l.Y(static_cast<double>(v));
    absl::StrAppend(out, "<line class=\"grid\" x1=\"", Coord(l.plot_left),
                    "\" x2=\"", Coord(l.plot_right), "\" y1=\"", Coord(y),
                    "\" y2=\"", Coord(y), "\"/><text x=\"",
                    Coord(l.plot_left - 6), "\" y=\"", Coord(y + 4),
                    "\" text-anchor=\"end\">",
                    ToHtmlText(FormatValue(static_cast<double>(v), unit)),
                    "</text>");
  }
  absl::StrAppend(out, "</g>");
}

void AppendXAxis(const ChartSpec& spec, const ChartLayout& l, std::string* out) {
  static constexpr double kIntervals[] = {
      1,    5,     15,    30,    60,    120,   300,    600,    900,
      1800, 3600,  7200,  10800, 21600, 43200, 86400,  172800, 604800};
  double interval = kIntervals[std::size(kIntervals) - 1];
  for (double iv : kIntervals) {
    if (l.window_seconds / iv <= 6) {
      interval = iv;
      break;
    }
  }
  if (l.window_seconds / interval > 6) {  // windows beyond six weeks: days
    interval = std::ceil(l.window_seconds / 6 / 86400) * 86400;
  }
  absl::StrAppend(out, "<g class=\"x-axis\"><line class=\"axis\" x1=\"",
                  Coord(l.plot_left), "\" x2=\"", Coord(l.plot_right),
                  "\" y1=\"", Coord(l.plot_bottom), "\" y2=\"",
                  Coord(l.plot_bottom), "\"/>");
  const double start_unix = absl::ToDoubleSeconds(spec.start - absl::UnixEpoch());
  const double first = std::ceil(start_unix / interval) * interval;
  for (int k = 0; k < 40; ++k) {
    const double tick = first + k * interval;
    const double t = tick - start_unix;
    if (t > l.window_seconds + 1e-6) break;
    const double x = l.X(t);
    absl::StrAppend(
        out, "<line class=\"tick\" x1=\"", Coord(x), "\" x2=\"", Coord(x),
        "\" y1=\"", Coord(l.plot_bottom), "\" y2=\"", Coord(l.plot_bottom + 4),
        "\"/><text x=\"", Coord(x), "\" y=\"", Coord(l.plot_bottom + 16),
        "\" text-anchor=\"middle\">",
        TimeLabel(absl::UnixEpoch() + absl::Seconds(tick), interval,
                  l.window_seconds),
        "</text>");
  }
  absl::StrAppend(out, "<text class=\"unit\" x=\"", Coord(l.plot_right),
                  "\" y=\"", Coord(l.plot_bottom + 30),
                  "\" text-anchor=\"end\">time (UTC)</text></g>");
}

std::string SegmentsPath(const DownsampledSeries& ds, const ChartLayout& l) {
  std::string d;
  for (const auto& seg : ds.segments) {
    if (seg.empty()) continue;
    absl::StrAppend(&d, "M", Coord(l.X(seg[0].t)), " ", Coord(l.Y(seg[0].v)));
    if (seg.size() == 1) {
      d += "h0";  // a lone sample: a dot (round line caps)
      continue;
    }
    for (size_t i = 1; i < seg.size(); ++i) {
      absl::StrAppend(&d, " ", Coord(l.X(seg[i].t)), " ", Coord(l.Y(seg[i].v)));
    }
  }
  return d;
}

// NaN as a ring on the time axis, +Inf as a triangle at the top, -Inf as a
// triangle at the bottom of the plot.
std::string SpecialsPath(const DownsampledSeries& ds, const ChartLayout& l) {
  std::string d;
  for (const SpecialPoint& s : ds.specials) {
    const std::string x = Coord(l.X(s.t));
    switch (s.kind) {
      case SpecialValue::kNaN:
        absl::StrAppend(&d, "M", x, " ", Coord(l.plot_bottom - 3),
                        "m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0");
        break;
      case SpecialValue::kPosInf:
        absl::StrAppend(&d, "M", x, " ", Coord(l.plot_top), "l-4 6h8z");
        break;
      case SpecialValue::kNegInf:
        absl::StrAppend(&d, "M", x, " ", Coord(l.plot_bottom), "l-4-6h8z");
        break;
    }
  }
  return d;
}

std::string SeriesName(const Series& s) {
  return s.labels.empty() ? std::string("(no labels)") : s.labels.ToString();
}

std::string Description(const ChartSpec& spec, const ChartLayout& l) {
  const Unit unit = ParseUnit(spec.unit).value_or(Unit::kNone);
  std::vector<std::string> parts;
  const size_t drawn = DrawnCount(spec);
  parts.push_back(absl::StrCat(
      spec.series.size(), spec.series.size() == 1 ? " series" : " series",
      " over ", FormatPromDuration(spec.end - spec.start), " ending ",
      Rfc3339Utc(spec.end),
      drawn < spec.series.size()
          ? absl::StrCat(" (", drawn, " drawn)")
          : std::string()));
  for (size_t i = 0; i < drawn && i < 5; ++i) {
    const SeriesSummary s = Summarize(*spec.series[i], spec.start, spec.end);
    std::string line = absl::StrCat(drawn > 1 ? SeriesName(*spec.series[i]) + ": " : "");
    if (s.finite > 0) {
      absl::StrAppend(&line, "min ", FormatValue(s.min, unit), ", max ",
                      FormatValue(s.max, unit));
    } else {
      line += "no finite values";
    }
    if (s.has_last) absl::StrAppend(&line, ", last ", FormatValue(s.last, unit));
    if (s.nan + s.pos_inf + s.neg_inf > 0) {
      absl::StrAppend(&line, " (", s.nan, " NaN, ", s.pos_inf, " +Inf, ",
                      s.neg_inf, " -Inf samples)");
    }
    parts.push_back(std::move(line));
  }
  if (!spec.thresholds.empty()) {
    std::vector<std::string> th;
    for (const ChartThreshold& t : spec.thresholds) {
      th.push_back(absl::StrCat(Sv(OutcomeName(t.kind)), " ", t.text));
    }
    parts.push_back(absl::StrCat("thresholds: ", absl::StrJoin(th, ", ")));
  } else {
    parts.push_back("no absolute threshold");
  }
  if (!spec.undrawn_criteria.empty()) {
    parts.push_back(absl::StrCat("not drawn (relative to a baseline): ",
                                 spec.undrawn_criteria));
  }
  size_t failing = 0;
  std::vector<std::string> stretches;
  for (const ChartStretch& s : spec.stretches) {
    if (s.outcome != Outcome::kFail) continue;
    if (++failing <= 3) {
      stretches.push_back(absl::StrCat(
          TimeLabel(spec.start + absl::Seconds(s.from), 1, l.window_seconds),
          " to ",
          TimeLabel(spec.start + absl::Seconds(s.to), 1, l.window_seconds)));
    }
  }
  if (failing > 0) {
    parts.push_back(absl::StrCat("failing ", absl::StrJoin(stretches, ", "),
                                 failing > 3 ? " and more" : "", " (UTC)"));
  } else {
    parts.push_back("no failing stretch");
  }
  if (spec.for_window > absl::ZeroDuration()) {
    parts.push_back(absl::StrCat("for window: the last ",
                                 FormatPromDuration(spec.for_window)));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

std::string RenderChart(const ChartSpec& spec) {
  const ChartLayout l = LayoutChart(spec);
  const size_t drawn = DrawnCount(spec);
  const std::string& id = spec.id;
  std::string out;
  absl::StrAppend(&out, "<figure class=\"chart-figure\" id=\"", id, "\">");
  absl::StrAppend(
      &out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"",
      spec.width, "\" height=\"", spec.height, "\" viewBox=\"0 0 ", spec.width,
      " ", spec.height, "\" aria-labelledby=\"", id, "-title ", id,
      "-desc\" data-series-count=\"", spec.series.size(), "\" data-drawn=\"",
      drawn, "\"><title id=\"", id, "-title\">", ToHtmlText(spec.title),
      "</title><desc id=\"", id, "-desc\">", ToHtmlText(Description(spec, l)),
      "</desc>");
  absl::StrAppend(&out, "<rect class=\"plot\" x=\"", Coord(l.plot_left),
                  "\" y=\"", Coord(l.plot_top), "\" width=\"",
                  Coord(l.plot_right - l.plot_left), "\" height=\"",
                  Coord(l.plot_bottom - l.plot_top), "\"/>");
  // Failing / warning stretches under everything else.
  for (const ChartStretch& s : spec.stretches) {
    const double x0 = l.X(std::max(0.0, s.from));
    const double x1 = l.X(std::min(l.window_seconds, s.to));
    const std::string_view word = OutcomeName(s.outcome);
    absl::StrAppend(&out, "<rect class=\"stretch ", Sv(word),
                    "\" data-outcome=\"", Sv(word), "\" x=\"", Coord(x0),
                    "\" y=\"", Coord(l.plot_top), "\" width=\"",
                    Coord(std::max(1.0, x1 - x0)), "\" height=\"",
                    Coord(l.plot_bottom - l.plot_top), "\"/>");
  }
  if (spec.for_window > absl::ZeroDuration()) {
    const double from = std::max(
        0.0, l.window_seconds - absl::ToDoubleSeconds(spec.for_window));
    const double x0 = l.X(from);
    absl::StrAppend(
        &out, "<rect class=\"for-window\" data-seconds=\"",
        FormatNumber(absl::ToDoubleSeconds(spec.for_window)), "\" x=\"",
        Coord(x0), "\" y=\"", Coord(l.plot_top), "\" width=\"",
        Coord(std::max(1.0, l.plot_right - x0)), "\" height=\"",
        Coord(l.plot_bottom - l.plot_top), "\"/><text class=\"for-label\" x=\"",
        Coord(x0 - 3), "\" y=\"", Coord(l.plot_top - 5),
        "\" text-anchor=\"end\">for ", FormatPromDuration(spec.for_window),
        " \xE2\x86\x92</text>");
  }
  AppendYAxis(l, ParseUnit(spec.unit).value_or(Unit::kNone), &out);
  AppendXAxis(spec, l, &out);
  for (const ChartThreshold& th : spec.thresholds) {
    const double y = l.Y(th.value);
    const std::string_view word = OutcomeName(th.kind);
    absl::StrAppend(&out, "<line class=\"threshold ", Sv(word),
                    "\" data-kind=\"", Sv(word), "\" data-value=\"",
                    FormatNumber(th.value), "\" x1=\"", Coord(l.plot_left),
                    "\" x2=\"", Coord(l.plot_right), "\" y1=\"", Coord(y),
                    "\" y2=\"", Coord(y), "\"/><text class=\"threshold-label ",
                    Sv(word), "\" x=\"", Coord(l.plot_left + 4), "\" y=\"",
                    Coord(y - 3), "\">", Sv(word), " ", ToHtmlText(th.text),
                    "</text>");
  }
  for (size_t i = 0; i < drawn; ++i) {
    const Series& s = *spec.series[i];
    const DownsampledSeries ds =
        Downsample(s.points, spec.start, spec.end, spec.step_seconds, l.columns());
    const std::string_view colour = kPalette[i % kPalette.size()];
    const std::string_view dash = kDashes[i % kDashes.size()];
    absl::StrAppend(&out, "<g class=\"series-group\" data-series=\"", i,
                    "\"><path class=\"series\" data-series=\"", i,
                    "\" data-points=\"", ds.points(), "\" stroke=\"",
                    Sv(colour), "\"");
    if (!dash.empty()) absl::StrAppend(&out, " stroke-dasharray=\"", Sv(dash), "\"");
    absl::StrAppend(&out, " d=\"", SegmentsPath(ds, l), "\"/>");
    // The series' marker on its last finite point.
    for (auto seg = ds.segments.rbegin(); seg != ds.segments.rend(); ++seg) {
      if (seg->empty()) continue;
      absl::StrAppend(&out, "<path class=\"marker\" fill=\"", Sv(colour),
                      "\" d=\"M", Coord(l.X(seg->back().t)), " ",
                      Coord(l.Y(seg->back().v)),
                      Sv(kMarkerShapes[i % kMarkerShapes.size()]), "\"/>");
      break;
    }
    if (!ds.specials.empty()) {
      absl::StrAppend(&out, "<path class=\"special\" stroke=\"", Sv(colour),
                      "\" d=\"", SpecialsPath(ds, l), "\"/>");
    }
    absl::StrAppend(&out, "</g>");
  }
  if (drawn == 0) {
    absl::StrAppend(&out, "<text class=\"empty\" x=\"",
                    Coord((l.plot_left + l.plot_right) / 2), "\" y=\"",
                    Coord((l.plot_top + l.plot_bottom) / 2),
                    "\" text-anchor=\"middle\">",
                    spec.series.empty() ? "no samples in the window"
                                        : "no series drawn",
                    "</text>");
  }
  absl::StrAppend(&out, "</svg>");
  // The legend: HTML, so long label sets wrap.
  if (drawn > 0) {
    absl::StrAppend(&out, "<ul class=\"legend\">");
    for (size_t i = 0; i < drawn; ++i) {
      const std::string_view dash = kDashes[i % kDashes.size()];
      const std::string_view colour = kPalette[i % kPalette.size()];
      absl::StrAppend(
          &out, "<li data-series=\"", i,
          "\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" "
          "height=\"12\" viewBox=\"0 0 40 12\" aria-hidden=\"true\"><line x1=\"1\" "
          "x2=\"39\" y1=\"6\" y2=\"6\" stroke=\"",
          Sv(colour), "\"");
      if (!dash.empty()) absl::StrAppend(&out, " stroke-dasharray=\"", Sv(dash), "\"");
      absl::StrAppend(&out, "/><path fill=\"", Sv(colour), "\" d=\"M20 6",
                      Sv(kMarkerShapes[i % kMarkerShapes.size()]),
                      "\"/></svg> <span class=\"series-label\">",
                      ToHtmlText(SeriesName(*spec.series[i])), "</span></li>");
    }
    absl::StrAppend(&out, "</ul>");
  }
  if (drawn < spec.series.size()) {
    absl::StrAppend(&out, "<p class=\"more-series\">",
                    spec.series.size() - drawn,
                    " more series not drawn</p>");
  }
  absl::StrAppend(&out, "</figure>");
  return out;
}

}  // namespace aurora
