// File: gates/app/rule_test_command.h
// `aurora-gate test TESTS.yaml... [--junit F] [--prometheus-binary P]`:
// promtool's rule unit tests (rules/rule_test_file.h), run on a real
// Prometheus (gates/rule_test_engine.h) started once for the run, the rules
// evaluated through the path `check --at` takes (RunGates: live rules
// replay the alert state machine over range queries). Output mirrors
// `promtool test rules`: "Unit Testing:  FILE", then SUCCESS or FAILED with
// one expected-vs-got block per failing check.
#ifndef AURORA_GATES_APP_RULE_TEST_COMMAND_H_
#define AURORA_GATES_APP_RULE_TEST_COMMAND_H_

#include <string>
#include <vector>

#include "gates/app/check_command.h"

namespace aurora {

struct RuleTestOptions {
  std::vector<std::string> files;
  std::string junit_path;         // --junit: promtool's JUnit XML
  std::string prometheus_binary;  // --prometheus-binary; empty: PATH
};

// Exit: 0 every test passed, 1 a test failed, 2 a bad test or rule file
// (every error as file:line:col; nothing run), 3 the engine could not run
// or the JUnit file could not be written.
int RunRuleTests(const RuleTestOptions& options, const CommandEnv& env);

// The command line after `test` (parsed here; --help prints the usage).
int RuleTestMain(const std::vector<std::string>& args);

}  // namespace aurora

#endif  // AURORA_GATES_APP_RULE_TEST_COMMAND_H_
