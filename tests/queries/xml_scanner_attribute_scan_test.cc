// The scanner skips the plain run of an attribute value 16 (SSE2) or 8
// bytes at a time (queries/xml_scanner.cc, SkipAttrPlain). These tests put
// each byte that ends or changes that run at every position of values up to
// 48 bytes long, so every alignment against the 16- and 8-byte blocks is
// covered, and check the value, `plain` and the error offsets are exactly
// those of a byte-by-byte scan.
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "queries/xml_scanner.h"

namespace aurora {
namespace {

struct Scanned {
  bool ok = false;
  size_t error_offset = 0;
  std::string error;
  std::string raw_value;
  bool plain = false;
  std::string value;  // decoded
};

// Scans `<a x="VALUE" y='z'/>` (or with the quote given).
Scanned Scan(const std::string& value, char quote = '"') {
  const std::string xml =
      std::string("<a x=") + quote + value + quote + " y='z'/>";
  XmlScanner s(xml);
  Scanned out;
  XmlEvent e = s.Next();
  if (e == XmlEvent::kError) {
    out.error_offset = s.error_offset();
    out.error = s.error_message();
    return out;
  }
  EXPECT_EQ(e, XmlEvent::kStartElement);
  EXPECT_EQ(s.attributes().size(), 2u);
  const XmlAttribute* x = s.FindAttribute("x");
  EXPECT_NE(x, nullptr);
  EXPECT_EQ(s.FindAttribute("y")->raw_value, "z");
  out.raw_value = std::string(x->raw_value);
  out.plain = x->plain;
  EXPECT_TRUE(XmlAttributeValue(*x, &out.value));
  EXPECT_EQ(s.Next(), XmlEvent::kEndElement);
  out.ok = s.Next() == XmlEvent::kEndOfDocument;
  return out;
}

constexpr size_t kValueStart = 6;  // offset of the value in `<a x="`

TEST(XmlScannerAttributeScanTest, EveryPositionOfEverySpecialByte) {
  const std::string filler =
      "abcdefghij-klmnopqrstuv.0123456789:_ABCDEFGHIJKLMNOP";
  for (size_t len = 0; len <= 48; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      SCOPED_TRACE(::testing::Message() << "len " << len << " at " << at);
      const std::string before = filler.substr(0, at);
      const std::string after = filler.substr(at, len - at);
      // Plain bytes: ASCII, UTF-8, the other quote, and control bytes below
      // 0x20 other than tab/LF/CR (not rejected by the scanner, as by
      // pugixml): they must not end the run.
      for (std::string plain : {"", "\xC3\xA9", "\x01", "\x1F", "'", "~"}) {
        Scanned r = Scan(before + plain + after);
        ASSERT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.raw_value, before + plain + after);
        EXPECT_TRUE(r.plain);
        EXPECT_EQ(r.value, r.raw_value);
      }
      // Tab, LF, CR: accepted, not plain, normalised to one space.
      for (std::string ws : {"\t", "\n", "\r", "\r\n"}) {
        Scanned r = Scan(before + ws + after);
        ASSERT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.raw_value, before + ws + after);
        EXPECT_FALSE(r.plain);
        EXPECT_EQ(r.value, before + " " + after);
      }
      // References: decoded, not plain.
      Scanned ref = Scan(before + "&amp;" + after);
      ASSERT_TRUE(ref.ok) << ref.error;
      EXPECT_FALSE(ref.plain);
      EXPECT_EQ(ref.value, before + "&" + after);
      // The same quote ends the value early: what follows is a bad name.
      Scanned quoted = Scan(before + "\"" + after + "q");
      ASSERT_FALSE(quoted.ok);
      EXPECT_EQ(quoted.error_offset, kValueStart + at + 1);
      EXPECT_EQ(quoted.error, "expected white space before an attribute");
      // '<' and a bad reference: errors at their own offset.
      Scanned lt = Scan(before + "<" + after);
      ASSERT_FALSE(lt.ok);
      EXPECT_EQ(lt.error_offset, kValueStart + at);
      EXPECT_EQ(lt.error, "'<' in an attribute value");
      Scanned amp = Scan(before + "&x;" + after);
      ASSERT_FALSE(amp.ok);
      EXPECT_EQ(amp.error_offset, kValueStart + at);
    }
  }
}

TEST(XmlScannerAttributeScanTest, UnterminatedValuesAtTheEndOfTheInput) {
  const std::string filler =
      "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL";
  for (size_t len = 0; len <= 48; ++len) {
    SCOPED_TRACE(len);
    const std::string xml = "<a x=\"" + filler.substr(0, len);
    XmlScanner s(xml);
    ASSERT_EQ(s.Next(), XmlEvent::kError);
    EXPECT_EQ(s.error_offset(), kValueStart - 1);
    EXPECT_EQ(s.error_message(), "unterminated attribute value");
    // A '<' before the end is reported instead, at its offset.
    const std::string with_lt = xml + "<" + filler.substr(0, len);
    XmlScanner t(with_lt);
    ASSERT_EQ(t.Next(), XmlEvent::kError);
    EXPECT_EQ(t.error_offset(), kValueStart + len);
  }
}

TEST(XmlScannerAttributeScanTest, SingleQuotedValuesEndAtTheSingleQuote) {
  Scanned r = Scan("say \"hi\" to the 8-byte words", '\'');
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.plain);
  EXPECT_EQ(r.value, "say \"hi\" to the 8-byte words");
}

}  // namespace
}  // namespace aurora
