// File: tests/testing/gate_dir_test.h
// A fixture for tests that write one gate file into a fresh directory:
// dir_ (made in SetUp, removed in TearDown) and gate_ = dir_/gate.yaml.
#ifndef AURORA_TESTS_TESTING_GATE_DIR_TEST_H_
#define AURORA_TESTS_TESTING_GATE_DIR_TEST_H_

#include <string>

#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace aurora::testing {

class GateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    gate_ = dir_ + "/gate.yaml";
  }
  void TearDown() override { RemoveDir(dir_); }

  std::string dir_, gate_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_GATE_DIR_TEST_H_
