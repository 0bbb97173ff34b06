// File: queries/xml_scanner.h
// A pull-style streaming XML scanner over a string_view (no copy, no DOM)
// for the artifact readers' fast paths. It accepts a strict subset of XML —
// UTF-8 (optional BOM, declared encoding absent or UTF-8), ASCII names, no
// DOCTYPE internal subset, only the predefined and numeric references — and
// checks the well-formedness of everything it scans; anything else is an
// error with the byte offset of the first problem (callers then fall back to
// the DOM parser). External entities and DTDs are never read.
#ifndef AURORA_QUERIES_XML_SCANNER_H_
#define AURORA_QUERIES_XML_SCANNER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aurora {

// One attribute of a start tag, pointing into the scanned text.
struct XmlAttribute {
  std::string_view name;
  // Between the quotes, as written. Use XmlAttributeValue() unless `plain`.
  std::string_view raw_value;
  // True when raw_value is the value itself: no reference ('&') and no
  // tab/CR/LF (which XML attribute-value normalisation turns into spaces).
  bool plain = true;
};

enum class XmlEvent {
  kStartElement,  // name(), attributes(), self_closing(), depth()
  kEndElement,    // name(), depth(); also follows a self-closing start tag
  kText,          // text(), text_is_cdata(); only with report_text
  kEndOfDocument,
  kError,         // error_offset(), error_message(); sticky
};

class XmlScanner {
 public:
  struct Options {
    // Report character data and CDATA sections as kText (raw, undecoded).
    bool report_text = false;
  };

  explicit XmlScanner(std::string_view input) : XmlScanner(input, Options{}) {}
  XmlScanner(std::string_view input, Options options);

  // The next event. After kEndOfDocument or kError, returns the same again.
  XmlEvent Next();

  // The element of the last kStartElement / kEndElement.
  std::string_view name() const { return name_; }
  // 1 for the root element, 2 for its children, …
  size_t depth() const { return depth_; }
  const std::vector<XmlAttribute>& attributes() const { return attributes_; }
  // The attribute named `attr_name` of the last start tag, or null.
  const XmlAttribute* FindAttribute(std::string_view attr_name) const;
  // The last start tag was <name …/> (its kEndElement comes next).
  bool self_closing() const { return self_closing_; }

  std::string_view text() const { return text_; }
  bool text_is_cdata() const { return text_is_cdata_; }

  // Byte offset in the input of the first problem, and what it is.
  size_t error_offset() const { return error_offset_; }
  const std::string& error_message() const { return error_message_; }

 private:
  XmlEvent Fail(const char* at, std::string message);
  XmlEvent Start();  // checks the whole input, BOM and XML declaration
  XmlEvent ScanMarkup(const char* lt);
  XmlEvent ScanStartTag(const char* lt);
  XmlEvent ScanEndTag(const char* lt);
  // Comment, PI, CDATA or DOCTYPE at `lt`; on success moves pos_ past it.
  // Returns kText for a reported CDATA section, kStartElement for "nothing
  // to report" (the caller loops), kError on error.
  XmlEvent ScanOther(const char* lt);
  // Checks the references of a value or text in [p, q); false on error.
  bool CheckReferences(const char* p, const char* q);

  const std::string_view input_;
  const Options options_;
  const char* const begin_;
  const char* const end_;
  const char* pos_;
  bool started_ = false;
  bool root_seen_ = false;
  bool doctype_seen_ = false;
  bool pending_end_ = false;
  bool done_ = false;
  bool failed_ = false;
  std::vector<std::string_view> open_;  // names of the open elements
  std::string_view name_;
  size_t depth_ = 0;
  bool self_closing_ = false;
  std::vector<XmlAttribute> attributes_;
  std::string_view text_;
  bool text_is_cdata_ = false;
  size_t error_offset_ = 0;
  std::string error_message_;
};

// The value of `attr` after reference replacement and attribute-value
// normalisation (tab, LF, CR and CR LF -> one space each), as a DOM parser
// reports it. False (and `out` unspecified) for a reference the scanner
// does not accept, which cannot happen for attributes it returned.
bool XmlAttributeValue(const XmlAttribute& attr, std::string* out);

}  // namespace aurora

#endif  // AURORA_QUERIES_XML_SCANNER_H_
