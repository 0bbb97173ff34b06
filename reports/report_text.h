// File: reports/report_text.h
// Text hygiene shared by the report renderers: every string from a gate file,
// an artifact or a server is untrusted, so renderers pass it through one of
// these before writing it. All functions return valid UTF-8.
#ifndef AURORA_REPORTS_REPORT_TEXT_H_
#define AURORA_REPORTS_REPORT_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aurora {

// U+FFFD, the replacement for anything a report cannot carry.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// Replaces each invalid UTF-8 sequence (bad lead byte, truncated sequence,
// overlong form, surrogate, > U+10FFFF) with U+FFFD.
std::string ToValidUtf8(std::string_view s);

// Valid UTF-8 that XML 1.0 accepts: the characters XML forbids (C0 controls
// other than tab, LF and CR; U+FFFE; U+FFFF) are replaced with U+FFFD.
std::string ToXmlText(std::string_view s);

// Appends `c` to *out, & < > as the entities &amp; &lt; &gt;; false (and
// nothing appended) for any other byte. The one escaping HTML, Markdown and
// Slack mrkdwn share.
bool AppendAmpLtGtEscaped(char c, std::string* out);

// Text safe inside an HTML/XHTML element or a quoted attribute value:
// ToXmlText, then & < > " ' as entities (&amp; &lt; &gt; &quot; &#39;), so
// markup in untrusted text stays text.
std::string ToHtmlText(std::string_view s);

// One line of plain text safe to print on a terminal or in a table cell:
// tab, LF and CR become a space; other C0 controls, DEL and C1 controls
// (which could carry terminal escape sequences) become U+FFFD.
std::string ToSingleLine(std::string_view s);

// Number of code points in valid UTF-8 text (our measure of display width;
// wide East Asian characters count as one).
size_t DisplayWidth(std::string_view utf8);

// `utf8` cut to at most `max_width` code points, the last being "…" when
// anything was cut. max_width 0 yields "".
std::string TruncateDisplay(std::string_view utf8, size_t max_width);

// One line of single-line text broken into lines of at most `width` code
// points, nothing dropped but the blank at each break: a break goes after the
// last blank that fits, or inside a word longer than `width`. width 0, or
// text that fits, yields the text as one line.
std::vector<std::string> WrapDisplay(std::string_view utf8, size_t width);

}  // namespace aurora

#endif  // AURORA_REPORTS_REPORT_TEXT_H_
