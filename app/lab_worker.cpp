#include "app/lab_worker.h"

#include <malloc.h>

#include "app/lab_compare.h"

#include <chrono>
#include <stdexcept>

namespace wfc::app {

using viz::CmdKind;
using viz::LabCommand;
using viz::LabSnapshot;

LabWorker::LabWorker(LabSessionOptions opt) : opt_(std::move(opt)) {
  auto s = std::make_shared<LabSnapshot>();
  s->settings = opt_.settings;
  s->busy = true;
  snap_ = s;
  LabCommand load;
  load.kind = CmdKind::Load;
  load.text = opt_.checkpoint;
  send(load);
  thread_ = std::thread([this] { run(); });
}

LabWorker::~LabWorker() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t LabWorker::send(LabCommand c) {
  std::lock_guard<std::mutex> l(mu_);
  c.id = next_id_++;
  queue_.push_back(std::move(c));
  cv_.notify_all();
  return queue_.back().id;
}

std::shared_ptr<const LabSnapshot> LabWorker::snapshot() {
  std::lock_guard<std::mutex> l(mu_);
  return snap_;
}

std::future<std::string> LabWorker::script() {
  std::promise<std::string> p;
  auto f = p.get_future();
  std::lock_guard<std::mutex> l(mu_);
  script_asks_.push_back(std::move(p));
  cv_.notify_all();
  return f;
}

void LabWorker::publish(std::shared_ptr<const LabSnapshot> s) {
  std::lock_guard<std::mutex> l(mu_);
  snap_ = std::move(s);
}

// Waits for work (unless the session is busy): returns true with a command, or false with only
// script requests (or nothing) taken. `asks` receives every pending script request.
bool LabWorker::next(LabCommand& c, std::deque<std::promise<std::string>>& asks, bool idle) {
  std::unique_lock<std::mutex> l(mu_);
  if (idle) cv_.wait(l, [&] { return stop_ || !queue_.empty() || !script_asks_.empty(); });
  for (auto& a : script_asks_) asks.push_back(std::move(a));
  script_asks_.clear();
  if (stop_ || queue_.empty()) return false;
  c = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

// glibc keeps freed memory in its arenas, and the iterations' temporaries (from the worker's,
// OpenMP's and the UI's threads) fragment them: the playing lab grew ~0.3 MB per step beyond what
// its history holds (bench/lab_memory.sh: 987 MiB after 1,500 steps). Handing free pages back
// at most once a second bounds the RSS by what the history keeps.
static void release_free_memory() {
  static auto last = std::chrono::steady_clock::time_point{};
  const auto now = std::chrono::steady_clock::now();
  if (now - last < std::chrono::seconds(1)) return;
  last = now;
  malloc_trim(0);
}

void LabWorker::run() {
  std::unique_ptr<LabSession> session;
  std::unique_ptr<LabCompare> compare;                  // a second checkpoint on the same actions
  std::shared_ptr<const viz::LabSnapshot> compare_snap;
  std::pair<int64_t, int> followed{-1, -1};             // the session's path when it last followed
  std::string failed;
  try {
    session = std::make_unique<LabSession>(opt_, LabSession::Mode::Lab);
  } catch (const std::exception& e) {
    failed = e.what();
    auto p = std::make_shared<LabSnapshot>();
    p->error = failed;
    p->error_seq = 1;
    publish(p);
  }
  for (;;) {
    LabCommand c;
    std::deque<std::promise<std::string>> asks;
    const bool got = next(c, asks, !session || !session->active());
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stop_) return;  // unanswered requests break their promises: the future throws
    }
    if (session) {
      try {
        if (got && c.kind == CmdKind::Compare) {
          compare.reset();
          compare_snap.reset();
          if (!c.text.empty()) {
            compare = std::make_unique<LabCompare>(c.text, opt_);
            followed = {-1, -1};  // follow at once
          }
        } else if (got) {
          session->handle(c);
        } else if (asks.empty()) {
          session->work();
        }
      } catch (const std::exception& e) {
        session->note_error(std::string(got && c.kind == CmdKind::Compare ? "compare: " : "") + e.what());
      }
      auto snap = session->snapshot();
      // The comparison follows the session's path whenever it changed (an action, a play round, a
      // jump in the history); between those it has nothing to do.
      const std::pair<int64_t, int> path{int64_t(snap->history.size()) * 1000003 + snap->converge_count, snap->current};
      if (compare && (path != followed || !compare_snap)) {
        try {
          compare->follow(*session);
        } catch (const std::exception& e) {
          session->note_error(std::string("compare: ") + e.what());
        }
        compare_snap = compare->snapshot();
        followed = path;
      }
      snap->compare = compare_snap;
      publish(snap);
      release_free_memory();
    }
    // Requests are answered after the commands sent before them, and even by a worker whose
    // session never came up: with its error.
    for (auto& a : asks) {
      if (session) a.set_value(session->script());
      else a.set_exception(std::make_exception_ptr(std::runtime_error("no session: " + failed)));
    }
    if (!session) continue;
    const int delay = session->active() && !got ? session->settings().delay_ms : 0;
    if (delay > 0) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(delay),
                   [&] { return stop_ || !queue_.empty() || !script_asks_.empty(); });
    }
  }
}

}  // namespace wfc::app
