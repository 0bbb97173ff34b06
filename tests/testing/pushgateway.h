// File: tests/testing/pushgateway.h
// A real Prometheus Pushgateway for tests (Debian prometheus-pushgateway) on
// 127.0.0.1:<free port>, waited for with a deadline, stopped by PID.
#ifndef AURORA_TESTS_TESTING_PUSHGATEWAY_H_
#define AURORA_TESTS_TESTING_PUSHGATEWAY_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace aurora::testing {

class Pushgateway {
 public:
  // nullptr (and a test failure naming why) when it does not come up.
  static std::unique_ptr<Pushgateway> Start() {
    std::string why;
    auto server = ServerProcess::Start(
        [](int port, const std::string&) {
          return std::vector<std::string>{
              "prometheus-pushgateway",
              "--web.listen-address=127.0.0.1:" + std::to_string(port)};
        },
        "/-/ready", &why);
    if (server == nullptr) {
      ADD_FAILURE() << "prometheus-pushgateway did not become ready: " << why;
      return nullptr;
    }
    return std::unique_ptr<Pushgateway>(new Pushgateway(std::move(server)));
  }
  std::string url() const { return server_->url(); }
  int port() const { return server_->port(); }

 private:
  explicit Pushgateway(std::unique_ptr<ServerProcess> s) : server_(std::move(s)) {}
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_PUSHGATEWAY_H_
