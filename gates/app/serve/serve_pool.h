// File: gates/app/serve/serve_pool.h
// Where `serve` evaluates: at most `workers` evaluations run at once, up to
// `queue` more wait; beyond that a request is refused (503 Retry-After).
// Identical requests in flight at the same time (same key: gates, set
// values, time, window) share one evaluation. A caller waits until its
// deadline; the evaluation itself goes on and its result is dropped.
#ifndef AURORA_GATES_APP_SERVE_SERVE_POOL_H_
#define AURORA_GATES_APP_SERVE_SERVE_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace aurora {


class EvaluationPool {
 public:
  EvaluationPool(int workers, int queue);
  ~EvaluationPool();  // finishes what runs, drops what waits
  EvaluationPool(const EvaluationPool&) = delete;
  EvaluationPool& operator=(const EvaluationPool&) = delete;

  enum class Status { kDone, kBusy, kTimedOut };
  struct Result {
    Status status = Status::kBusy;
    std::shared_ptr<const void> value;  // kDone: what `work` returned
    bool shared = false;                // joined an evaluation in flight
  };

  // Runs `work` (or joins the identical one in flight) and waits for it
  // until `deadline`.
  Result Run(const std::string& key, std::function<std::shared_ptr<const void>()> work,
             absl::Time deadline);

  int in_flight() const;  // running and queued evaluations

 private:
  struct Job {
    std::string key;
    std::function<std::shared_ptr<const void>()> work;
    bool done = false;
    std::shared_ptr<const void> value;
  };
  void WorkerLoop();

  const int max_waiting_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a job was queued, or stopping
  std::condition_variable done_cv_;  // a job finished
  std::deque<std::shared_ptr<Job>> queue_;
  std::map<std::string, std::shared_ptr<Job>> by_key_;  // queued or running
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_POOL_H_
