#include "gates/app/serve/serve_pool.h"

#include <chrono>

#include "absl/time/clock.h"

namespace aurora {

EvaluationPool::EvaluationPool(int workers, int queue) : max_waiting_(queue) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

EvaluationPool::~EvaluationPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& job : queue_) {
      job->done = true;  // dropped: its waiters see no value
      by_key_.erase(job->key);
    }
    queue_.clear();
  }
  work_cv_.notify_all();
  done_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

int EvaluationPool::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_ + static_cast<int>(queue_.size());
}

void EvaluationPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    std::shared_ptr<Job> job = queue_.front();
    queue_.pop_front();
    ++running_;
    lock.unlock();
    std::shared_ptr<const void> value = job->work();
    job->work = nullptr;
    lock.lock();
    --running_;
    job->value = std::move(value);
    job->done = true;
    auto it = by_key_.find(job->key);
    if (it != by_key_.end() && it->second == job) by_key_.erase(it);
    done_cv_.notify_all();
  }
}

EvaluationPool::Result EvaluationPool::Run(
    const std::string& key, std::function<std::shared_ptr<const void>()> work,
    absl::Time deadline) {
  Result result;
  std::unique_lock<std::mutex> lock(mu_);
  std::shared_ptr<Job> job;
  auto it = by_key_.find(key);
  if (it != by_key_.end()) {
    job = it->second;
    result.shared = true;
  } else {
    if (stopping_ || static_cast<int>(queue_.size()) >= max_waiting_ + 
        (static_cast<int>(threads_.size()) - running_)) {
      result.status = Status::kBusy;
      return result;
    }
    job = std::make_shared<Job>();
    job->key = key;
    job->work = std::move(work);
    by_key_[key] = job;
    queue_.push_back(job);
    work_cv_.notify_one();
  }
  const auto until = std::chrono::system_clock::now() +
                     absl::ToChronoNanoseconds(deadline - absl::Now());
  done_cv_.wait_until(lock, until, [&job] { return job->done; });
  if (!job->done || job->value == nullptr) {
    result.status = job->done ? Status::kBusy : Status::kTimedOut;
    return result;
  }
  result.status = Status::kDone;
  result.value = job->value;
  return result;
}

}  // namespace aurora
