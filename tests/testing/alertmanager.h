// File: tests/testing/alertmanager.h
// A real Alertmanager for tests (Debian prometheus-alertmanager) on
// 127.0.0.1:<free port> with a given configuration, clustering off, waited
// for with a deadline, stopped by PID.
#ifndef AURORA_TESTS_TESTING_ALERTMANAGER_H_
#define AURORA_TESTS_TESTING_ALERTMANAGER_H_

#include <fstream>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace aurora::testing {

class Alertmanager {
 public:
  // `config_yaml`: alertmanager.yml. nullptr (and a test failure naming why)
  // when it does not come up.
  static std::unique_ptr<Alertmanager> Start(const std::string& config_yaml) {
    const std::string dir = MakeTempDir();
    std::ofstream(dir + "/am.yml") << config_yaml;
    std::string why;
    auto server = ServerProcess::Start(
        [](int port, const std::string& d) {
          return std::vector<std::string>{
              "prometheus-alertmanager", "--config.file=" + d + "/am.yml",
              "--storage.path=" + d + "/data",
              "--web.listen-address=127.0.0.1:" + std::to_string(port),
              "--cluster.listen-address="};
        },
        "/-/ready", &why, dir);
    if (server == nullptr) {
      RemoveDir(dir);
      ADD_FAILURE() << "prometheus-alertmanager did not become ready: " << why;
      return nullptr;
    }
    return std::unique_ptr<Alertmanager>(new Alertmanager(std::move(server)));
  }
  std::string url() const { return server_->url(); }
  int port() const { return server_->port(); }

 private:
  explicit Alertmanager(std::unique_ptr<ServerProcess> s) : server_(std::move(s)) {}
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_ALERTMANAGER_H_
