// File: reports/html_style.h
// The go-live page's stylesheet, inlined by reports/html_report.cc. Colours
// are the Okabe-Ito palette (safe for the common colour-vision deficiencies)
// and never carry meaning alone: every outcome also has a mark and a word,
// every series a dash pattern and a marker shape. Contains no '<' or '&' (the
// page must stay well-formed XML).
#ifndef AURORA_REPORTS_HTML_STYLE_H_
#define AURORA_REPORTS_HTML_STYLE_H_

#include <string_view>

namespace aurora {

inline constexpr std::string_view kHtmlReportCss = R"css(
:root{--pass:#00795A;--warn:#E69F00;--fail:#D55E00;--undecided:#6b6b6b;--ink:#1b1b1b;--muted:#555;--rule:#d0d0d0;--soft:#f5f5f5}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:16px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid var(--ink);padding-bottom:2px}
h3{font-size:15px;margin:18px 0 6px}
.subtitle,.gate-meta,.source,.window,.query,.rule-meta{color:var(--muted)}
code{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:12.5px;word-break:break-word}
.verdict{display:flex;gap:18px;align-items:flex-start;margin:14px 0;padding:14px 18px;border:3px solid;border-radius:6px}
.verdict-word{font-size:34px;font-weight:bold;margin:0;white-space:nowrap;letter-spacing:.02em}
.verdict-body p{margin:4px 0}
.verdict.go{border-color:var(--pass);background:#e3f4ee}
.verdict.go .verdict-word{color:var(--pass)}
.verdict.nogo{border-color:var(--fail);border-style:double;border-width:6px;background:#fbebe3}
.verdict.nogo .verdict-word{color:#a34700}
.verdict.undecided{border-color:var(--undecided);border-style:dashed;background:#f1f1f1}
.causes,.window-failures{margin:4px 0;padding-left:18px}
.window-failures-title,p.window-failure{color:#a34700;font-weight:bold}
.verdict-counts{color:var(--muted)}
.badge{white-space:nowrap;font-weight:bold}
.badge .mark{display:inline-block;min-width:1.1em;text-align:center}
.badge.pass{color:var(--pass)}
.badge.warn,.badge.pending{color:#8a5a00}
.badge.fail{color:#b34700}
.badge.error,.badge.inconclusive,.badge.dry-run{color:#555}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid var(--rule);padding:5px 7px;text-align:left;vertical-align:top}
thead th{background:var(--soft);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
th.rule-name{font-weight:bold}
.rule-meta{display:block;font-weight:normal;font-size:12px}
tr.rule.fail>td.outcome{border-left:6px solid var(--fail)}
tr.rule.warn>td.outcome,tr.rule.pending>td.outcome{border-left:6px dashed var(--warn)}
tr.rule.error>td.outcome,tr.rule.inconclusive>td.outcome{border-left:6px double var(--undecided)}
tr.rule.pass>td.outcome{border-left:6px solid transparent}
tr.rule.fail{background:#fdf3ee}
tr.rule.dry-run{background:none;color:var(--muted)}
tr.rule.dry-run>td.outcome{border-left:6px solid transparent}
ul.values,ul.criteria{list-style:none;margin:0;padding:0}
.labels{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
table.rules td.outcome{width:8.5em}
table.rules th.rule-name{width:19%}
table.rules td.observed{width:27%}
table.rules td.thresholds{width:15%}
table.rules td.for{width:3.5em}
.value{font-weight:bold;font-variant-numeric:tabular-nums}
p.warning{color:#8a5a00;margin:2px 0}
p.error{color:#b34700;margin:2px 0}
p.annotation{color:var(--muted);margin:2px 0;font-size:12px}
.reason{margin:0 0 2px}
.live-rule{break-inside:avoid;page-break-inside:avoid}
.chart-figure{margin:4px 0 10px}
svg.chart{display:block;max-width:100%;height:auto;font:11px "DejaVu Sans",sans-serif}
svg.chart .plot{fill:#fff;stroke:#999}
svg.chart .grid{stroke:#e4e4e4}
svg.chart .axis,svg.chart .tick{stroke:#555}
svg.chart text{fill:#333}
svg.chart .series{fill:none;stroke-width:1.6;stroke-linecap:round;stroke-linejoin:round}
svg.chart .marker{stroke:#fff;stroke-width:.8}
svg.chart .special{fill:none;stroke-width:1.4}
svg.chart .stretch.fail{fill:var(--fail);fill-opacity:.22}
svg.chart .stretch.warn{fill:var(--warn);fill-opacity:.18}
svg.chart .for-window{fill:#000;fill-opacity:.05;stroke:#333;stroke-dasharray:3 3}
svg.chart .for-label{font-style:italic}
svg.chart .threshold{stroke-width:1.4}
svg.chart .threshold.pass{stroke:var(--pass);stroke-dasharray:2 3}
svg.chart .threshold.warn{stroke:#b07800;stroke-dasharray:8 4}
svg.chart .threshold.fail{stroke:var(--fail);stroke-width:2}
svg.chart .threshold-label{font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:3px}
ul.legend{list-style:none;margin:2px 0;padding:0;display:flex;flex-wrap:wrap;gap:2px 16px;font-size:12px}
ul.legend li{display:flex;align-items:center;gap:4px}
ul.legend svg{flex:none}
.more-series,.no-history,.none{color:var(--muted);font-style:italic}
.bar{display:block;height:6px;width:120px;background:#e8e8e8;border:1px solid #999;margin-top:3px}
.bar .fill{display:block;height:100%;background:var(--pass)}
table.mutation td.count,table.severities td.count{text-align:right;font-variant-numeric:tabular-nums}
table.mutation tr.total{font-weight:bold;background:#f4f4f4}
table.severities tr.found[data-severity=critical],table.severities tr.found[data-severity=high]{background:#fdf3ee;font-weight:bold}
table.findings code{overflow-wrap:anywhere}
table.findings td:nth-child(2) code{white-space:nowrap;overflow-wrap:normal}
table.severities{width:auto;min-width:24em}
.breakdown,.rule-findings{break-inside:avoid;page-break-inside:avoid}
dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px}
dt{font-weight:bold}
dd{margin:0}
.hash{font-size:11px}
table.incidents th.rule-name{width:20%}
table.incidents td.tripped,table.incidents td.resolved{width:11em}
tr.incident.open>th{border-left:6px solid var(--fail)}
tr.incident.resolved>th{border-left:6px solid var(--pass)}
tr.incident.escalated>th{border-left:6px solid var(--fail)}
tr.incident.open{background:#fdf3ee}
ul.incident-rules,ul.actions{list-style:none;margin:2px 0;padding:0}
ul.actions li{margin-bottom:4px}
.key code{font-size:11px;overflow-wrap:anywhere}
.open{color:#b34700;font-weight:bold}
p.last-cycle{color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:24px 20px}
@media print{
 body{font-size:11px}
 header,main,footer{max-width:none;padding:0}
 .verdict,tr.rule.fail,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
 tr,.chart-figure,.verdict{break-inside:avoid;page-break-inside:avoid}
 h2,h3{break-after:avoid;page-break-after:avoid}
}
)css";

}  // namespace aurora

#endif  // AURORA_REPORTS_HTML_STYLE_H_
