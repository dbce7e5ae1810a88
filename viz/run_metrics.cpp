#include "viz/run_metrics.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/json_io.h"

namespace wfc::viz {

static bool add_line(RunMetrics& run, const std::string& line) {
  try {
    const auto j = parse_json(line, run.dir + "/metrics.jsonl");
    if (!j.is_object()) throw std::runtime_error("not an object");
    const std::string kind = j.value("kind", "");
    if (kind == "train") {
      RunMetrics::Train t;
      t.step = j.at("step").get<int64_t>();
      t.tokens = j.value("tokens", int64_t(0));
      t.tokens_per_s = j.value("tokens_per_s", 0.0);
      if (j.contains("loss_by_iter") && j["loss_by_iter"].is_array())
        for (const auto& x : j["loss_by_iter"]) t.by_iter.push_back(x.get<double>());
      t.future_nll = t.by_iter.empty() ? j.value("loss", 0.0) : t.by_iter.back();
      run.train.push_back(std::move(t));
      return true;
    }
    if (kind == "eval") {
      RunMetrics::Eval e;
      e.step = j.at("step").get<int64_t>();
      e.first_future_nll = j.value("first_future_nll", 0.0);
      e.val_loss = j.value("val_loss", 0.0);
      if (j.contains("entropy_by_distance") && j["entropy_by_distance"].is_array())
        for (const auto& x : j["entropy_by_distance"]) e.entropy_by_distance.push_back(x.get<double>());
      run.eval.push_back(std::move(e));
      return true;
    }
    return false;  // another kind (config, resume notes): not plotted
  } catch (const std::exception&) {
    ++run.bad_lines;
    return false;
  }
}

bool poll_run(RunMetrics& run) {
  const std::string path = run.dir + "/metrics.jsonl";
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    run.error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  bool changed = false;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    run.error = path + ": not a regular file";
    ::close(fd);
    return false;
  }
  run.error.clear();
  if (uint64_t(st.st_ino) != run.file_id || uint64_t(st.st_dev) != run.file_dev ||
      uint64_t(st.st_size) < run.offset) {  // a new run here
    const bool had = !run.train.empty() || !run.eval.empty();
    run.train.clear();
    run.eval.clear();
    run.offset = 0;
    run.bad_lines = 0;
    run.file_id = uint64_t(st.st_ino);
    run.file_dev = uint64_t(st.st_dev);
    run.in_long_line = false;
    changed = had;
  }
  const uint64_t want = std::min<uint64_t>(uint64_t(st.st_size) - run.offset, kMaxMetricsRead);
  std::string buf(want, '\0');
  const ssize_t got = want ? ::pread(fd, buf.data(), want, off_t(run.offset)) : 0;
  ::close(fd);
  if (got < 0) {
    run.error = path + ": " + std::strerror(errno);
    return changed;
  }
  buf.resize(size_t(got));
  // Complete lines only: a line still being written is read again next time.
  size_t start = 0;
  for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (run.in_long_line) {  // the end of a line counted bad when it began
      run.in_long_line = false;
      continue;
    }
    if (nl - start > kMaxMetricsLine) {
      ++run.bad_lines;
      continue;
    }
    if (nl > start) changed |= add_line(run, buf.substr(start, nl - start));
  }
  if (start == 0 && buf.size() >= kMaxMetricsRead) {  // one line longer than a whole read: skip it
    if (!run.in_long_line) ++run.bad_lines;
    run.in_long_line = true;
    start = buf.size();
  }
  run.offset += start;
  // Bounded: a very long run keeps every other point (the plots cannot show more anyway).
  auto thin = [](auto& v) {
    if (v.size() <= kMaxMetricsPoints) return;
    size_t w = 0;
    for (size_t i = 0; i < v.size(); i += 2) v[w++] = v[i];
    v.resize(w);
  };
  thin(run.train);
  thin(run.eval);
  return changed;
}

}  // namespace wfc::viz
