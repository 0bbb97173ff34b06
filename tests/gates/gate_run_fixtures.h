// File: tests/gates/gate_run_fixtures.h
// What the gate-run tests share: a gate file loaded from text (the test
// fails on a load error) and a rule result found by name.
#ifndef AURORA_TESTS_GATES_GATE_RUN_FIXTURES_H_
#define AURORA_TESTS_GATES_GATE_RUN_FIXTURES_H_

#include <string>

#include "evaluator/result.h"
#include "gtest/gtest.h"
#include "rules/gate.h"
#include "rules/gate_loader.h"

namespace aurora::testing {

// The gate file `text` (named g.yaml), ${VAR} from the environment; a load
// error fails the test (and the gate is what loaded).
inline GateFile LoadGate(const std::string& text) {
  LoadedGate g = ParseGate("g.yaml", text, EnvironmentLookup());
  EXPECT_TRUE(g.ok()) << (g.errors.empty() ? "" : g.errors[0].ToString());
  return g.gate;
}

// The result of rule `name` in `g`; a missing rule fails the test (and
// gives an empty result).
inline const RuleResult& FindRule(const GateResult& g, const std::string& name) {
  for (const auto& r : g.rules) {
    if (r.name == name) return r;
  }
  ADD_FAILURE() << "no rule " << name;
  static const RuleResult none;
  return none;
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_GATES_GATE_RUN_FIXTURES_H_
