// File: rules/gate_loader.h
// Loads gate files: ParseGate() is pure (text in, model and every error out),
// LoadGateFile() adds only the file read. Every error names file:line:col
// (1-based) and says what was expected; all errors of a file are collected.
#ifndef AURORA_RULES_GATE_LOADER_H_
#define AURORA_RULES_GATE_LOADER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_reader.h"
#include "rules/gate.h"
#include "rules/interpolate.h"

namespace aurora {

struct GateError {
  std::string file;
  FilePos pos;
  std::string message;
  // "FILE:LINE:COL: MESSAGE" (":LINE:COL" omitted when unknown).
  std::string ToString() const;
};

struct LoadedGate {
  GateFile gate;
  std::vector<GateError> errors;  // empty when the gate is usable
  // What a reader should know but is no error (e.g. "no rules"): shown by
  // lint and check.
  std::vector<GateError> notes;
  bool ok() const { return errors.empty(); }
};

// An actions file (--actions FILE): `actions:` and `sources:` added to gate
// files that are used as shipped, without forking them.
struct GateOverlay {
  std::string path;
  std::map<std::string, SourceSpec> sources;
  std::vector<ActionSpec> actions;
};

struct LoadedOverlay {
  GateOverlay overlay;
  std::vector<GateError> errors;  // empty when usable
  bool ok() const { return errors.empty(); }
};

// Parses an actions file: a mapping with `actions` and/or `sources` only.
LoadedOverlay ParseOverlay(std::string_view file_name, std::string_view text,
                           const VarLookup& vars);
LoadedOverlay LoadOverlayFile(const std::string& path, FileReader& reader,
                              const VarLookup& vars);

// Parses gate-file text. `file_name` is used in errors and as the gate's
// default name. `vars` resolves ${VAR} references.
// With `overlay`, its sources are added to the gate's (replacing one of the
// same name, before the rules are resolved against them) and its actions
// are appended to the gate's.
LoadedGate ParseGate(std::string_view file_name, std::string_view text,
                     const VarLookup& vars,
                     const GateOverlay* overlay = nullptr);

// Reads `path` through `reader` and parses it; a read failure is one error.
LoadedGate LoadGateFile(const std::string& path, FileReader& reader,
                        const VarLookup& vars,
                        const GateOverlay* overlay = nullptr);

}  // namespace aurora

#endif  // AURORA_RULES_GATE_LOADER_H_
