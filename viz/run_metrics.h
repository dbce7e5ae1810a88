// A training run's metrics.jsonl, read while it grows (the lab's Training window): each poll reads
// only the bytes appended since the last, parses complete lines (bounded JSON), and keeps the
// points the plots need. A file that shrank or was replaced (a new run in the same directory)
// starts over. Plain data, no torch.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wfc::viz {

struct RunMetrics {
  std::string dir;                       // the run directory (metrics.jsonl, ckpt.safetensors)
  struct Train {
    int64_t step = 0, tokens = 0;
    double future_nll = 0;               // the future rows' NLL at the last refinement iteration
    std::vector<double> by_iter;         // the same at every iteration (WFC: K values)
    double tokens_per_s = 0;
  };
  struct Eval {
    int64_t step = 0;
    double first_future_nll = 0;
    double val_loss = 0;
    std::vector<double> entropy_by_distance;
  };
  std::vector<Train> train;
  std::vector<Eval> eval;
  uint64_t offset = 0;                   // bytes of metrics.jsonl consumed (complete lines)
  uint64_t file_dev = 0, file_id = 0;    // device and inode: a replaced file starts over
  bool in_long_line = false;             // skipping the rest of a line longer than one read
  int bad_lines = 0;                     // lines that were not a metrics object (skipped)
  std::string error;                     // why the last poll read nothing ("" when fine)
};

constexpr uint64_t kMaxMetricsRead = 8u << 20;  // bytes one poll reads at most (the rest: next poll)
constexpr size_t kMaxMetricsLine = 1u << 20;    // a longer line is skipped as bad
constexpr size_t kMaxMetricsPoints = 20000;     // per kind; beyond it every other point is dropped

// Reads what was appended to DIR/metrics.jsonl. Returns true when points were added or the run
// started over. Never throws: a missing or unreadable file sets error.
bool poll_run(RunMetrics& run);

}  // namespace wfc::viz
