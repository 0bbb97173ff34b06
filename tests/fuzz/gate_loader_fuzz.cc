// libFuzzer entry point for the gate-file loader (rules/gate_loader.h).
// Any input must load or fail cleanly: every error names the file, has a
// message and a position inside the text (or none); a gate that loads has
// rules whose source is declared in gate.sources (artifact rules parsed).
// Violations abort, which libFuzzer reports.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "rules/gate_loader.h"

namespace {

constexpr char kFileName[] = "fuzz/gate.yaml";

[[noreturn]] void Die(const char* what, std::string_view input,
                      const std::string& detail) {
  std::fprintf(stderr, "%s\ninput: %.*s\ndetail: %s\n", what,
               static_cast<int>(input.size()), input.data(), detail.c_str());
  std::abort();
}

// ARTIFACTS and NAME are set; everything else is unset (an error unless the
// reference has a default).
std::optional<std::string> Vars(const std::string& name) {
  if (name == "ARTIFACTS") return std::string("artifacts");
  if (name == "NAME") return std::string("x");
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  aurora::LoadedGate loaded = aurora::ParseGate(kFileName, text, Vars);
  if (!loaded.ok()) {
    int lines = 1;
    for (char c : text) lines += c == '\n';
    for (const aurora::GateError& e : loaded.errors) {
      const std::string s = e.ToString();
      if (e.file != kFileName) Die("error names another file", text, s);
      if (e.message.empty()) Die("empty error message", text, s);
      if (e.pos.line < 0 || e.pos.column < 0 ||
          (e.pos.line > 0 && e.pos.column == 0)) {
        Die("bad error position", text, s);
      }
      // yaml-cpp may point one line past the last newline (end of stream).
      if (e.pos.line > lines + 1) Die("error line past the input", text, s);
    }
    return 0;
  }
  const aurora::GateFile& gate = loaded.gate;
  if (gate.name.empty()) Die("loaded gate without a name", text, "");
  for (const auto& [name, spec] : gate.sources) {
    if (name != spec.name) Die("source keyed by another name", text, name);
  }
  for (const aurora::RuleGroup& group : gate.groups) {
    for (const aurora::Rule& rule : group.rules) {
      auto it = gate.sources.find(rule.source);
      if (it == gate.sources.end()) {
        Die("rule reads an undeclared source", text,
            rule.name + " -> \"" + rule.source + "\"");
      }
      if (it->second.is_artifact() && rule.parsed.root == nullptr) {
        Die("artifact rule without a parsed expression", text, rule.name);
      }
    }
  }
  return 0;
}
