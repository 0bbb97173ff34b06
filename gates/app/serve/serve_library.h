// File: gates/app/serve/serve_library.h
// The gate files `serve` answers for: read from --gates (directories: their
// *.yaml / *.yml files; files as given), validated, swapped in as a whole
// snapshot on reload. A file that no longer loads is rejected with its
// errors and its previous version keeps serving. Each request parses the
// kept text again with its own `set` values (InstantiateGates), so a value
// lands exactly where the gate file writes ${NAME}, escaped as the loader
// escapes --set values.
#ifndef AURORA_GATES_APP_SERVE_SERVE_LIBRARY_H_
#define AURORA_GATES_APP_SERVE_SERVE_LIBRARY_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/file_reader.h"
#include "gates/app/serve/serve_api.h"
#include "rules/gate.h"
#include "rules/interpolate.h"

namespace aurora {

struct LibraryGate {
  std::string path;
  std::string text;
  // Parsed with the environment alone. When the file needs a ${VAR} the
  // environment does not give (a request's `set` must), `needs` names it
  // and `reference` holds only the name.
  GateFile reference;
  std::vector<std::string> needs;
};

struct LibrarySnapshot {
  std::map<std::string, LibraryGate> by_name;  // by GateFile::name
  uint64_t generation = 0;
};

class GateLibrary {
 public:
  // `files` must outlive the library; `env` resolves ${VAR} besides a
  // request's `set` (the process environment).
  GateLibrary(std::vector<std::string> roots, FileReader& files, VarLookup env);

  // Reads every gate file again. Returns one line per problem (file:line:col
  // and what is wrong, or a root that cannot be listed); the files with
  // problems keep their previous version. Thread-safe.
  std::vector<std::string> Reload();

  // The gates currently served (never null). Thread-safe.
  std::shared_ptr<const LibrarySnapshot> Snapshot() const;

  // Size and modification time of every file under the roots: changes when
  // a file is edited, added or removed (the reload trigger).
  std::string Stamp() const;

  const VarLookup& env() const { return env_; }

 private:
  std::vector<std::string> GatePaths(std::vector<std::string>* problems) const;

  std::vector<std::string> roots_;
  FileReader& files_;
  VarLookup env_;
  std::mutex reload_mu_;
  mutable std::mutex mu_;
  std::shared_ptr<const LibrarySnapshot> snapshot_;
};

// The gate files of one request: each gate of `request` parsed again with
// the request's `set` values first, then `env`. False with `error`: 404
// naming "gates[i]" for an unknown gate; 400 naming "set.NAME" for a value
// the gate file rejects (a value in a PromQL name or number position that is
// neither) or that would change a source or an action (URLs, paths,
// headers, commands are the operator's, never a request's); 400 naming
// "set.NAME" for a ${NAME} the gate needs and neither gives.
bool InstantiateGates(const LibrarySnapshot& library, const EvalRequest& request,
                      const VarLookup& env, std::vector<GateFile>* out,
                      ApiError* error);

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_LIBRARY_H_
