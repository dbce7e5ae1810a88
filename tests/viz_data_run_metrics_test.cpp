// A run's metrics.jsonl read while it grows (viz/run_metrics.h): appended bytes only, complete
// lines only, bad lines skipped and counted, a replaced file starts over, a directory is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "viz/run_metrics.h"

namespace wfc::viz {
namespace {

namespace fs = std::filesystem;

struct RunDir {
  fs::path dir = fs::temp_directory_path() / ("wfc_run_metrics_" + std::to_string(::getpid()));
  RunDir() { fs::remove_all(dir), fs::create_directories(dir); }
  ~RunDir() { fs::remove_all(dir); }
  void append(const std::string& s) { std::ofstream(dir / "metrics.jsonl", std::ios::app) << s; }
};

TEST(RunMetrics, ReadsWhatWasAppendedAndOnlyCompleteLines) {
  RunDir d;
  RunMetrics run;
  run.dir = d.dir.string();
  EXPECT_FALSE(poll_run(run));
  EXPECT_NE(run.error.find("metrics.jsonl"), std::string::npos);  // not there yet

  d.append(R"({"kind":"train","step":10,"tokens":40960,"loss":16.1,"loss_by_iter":[8.1,7.9],"tokens_per_s":3000})" "\n");
  d.append(R"({"kind":"eval","step":10,"first_future_nll":4.5,"val_loss":6.2,"entropy_by_distance":[3.9,5.4]})" "\n");
  d.append(R"({"kind":"train","step":20,"loss":)");  // being written
  EXPECT_TRUE(poll_run(run));
  EXPECT_EQ(run.error, "");
  ASSERT_EQ(run.train.size(), 1u);
  EXPECT_EQ(run.train[0].step, 10);
  EXPECT_DOUBLE_EQ(run.train[0].future_nll, 7.9);  // the last iteration's, not the objective
  EXPECT_EQ(run.train[0].by_iter.size(), 2u);
  ASSERT_EQ(run.eval.size(), 1u);
  EXPECT_DOUBLE_EQ(run.eval[0].first_future_nll, 4.5);
  EXPECT_EQ(run.eval[0].entropy_by_distance, (std::vector<double>{3.9, 5.4}));

  d.append(R"(15.0,"loss_by_iter":[7.5],"tokens_per_s":3100})" "\n" "not json\n" "[1,2]\n" R"({"kind":"train"})" "\n");
  EXPECT_TRUE(poll_run(run));
  ASSERT_EQ(run.train.size(), 2u);  // the finished line; the three bad ones are counted
  EXPECT_EQ(run.train[1].step, 20);
  EXPECT_DOUBLE_EQ(run.train[1].future_nll, 7.5);
  EXPECT_EQ(run.bad_lines, 3);
  EXPECT_FALSE(poll_run(run));      // nothing new

  // A new run in the same directory (the file replaced, shorter): it starts over.
  fs::remove(d.dir / "metrics.jsonl");
  d.append(R"({"kind":"train","step":1,"loss":9,"loss_by_iter":[9]})" "\n");
  EXPECT_TRUE(poll_run(run));
  ASSERT_EQ(run.train.size(), 1u);
  EXPECT_EQ(run.train[0].step, 1);
  EXPECT_TRUE(run.eval.empty());
  EXPECT_EQ(run.bad_lines, 0);
}

TEST(RunMetrics, RefusesWhatIsNotARegularFile) {
  RunDir d;
  fs::create_directories(d.dir / "metrics.jsonl");
  RunMetrics run;
  run.dir = d.dir.string();
  EXPECT_FALSE(poll_run(run));
  EXPECT_NE(run.error.find("not a regular file"), std::string::npos);
}

TEST(RunMetrics, DeeplyNestedOrHugeLinesAreSkipped) {
  RunDir d;
  d.append(std::string(100000, '[') + "\n");                            // bounded nesting, no stack overflow
  d.append(std::string(kMaxMetricsLine + 10, ' ') + "\n");              // over the line cap
  d.append(R"({"kind":"train","step":5,"loss":3,"loss_by_iter":[3]})" "\n");
  RunMetrics run;
  run.dir = d.dir.string();
  EXPECT_TRUE(poll_run(run));
  EXPECT_EQ(run.bad_lines, 2);
  ASSERT_EQ(run.train.size(), 1u);
  EXPECT_EQ(run.train[0].step, 5);
}

}  // namespace
}  // namespace wfc::viz
