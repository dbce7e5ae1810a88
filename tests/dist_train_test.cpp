// Data-parallel training on c10d/Gloo, through the real command (`wfc train --nproc 2`, ranks on
// 127.0.0.1, one intra-op thread each): 2 ranks give the loss and weights of 1 rank with the same
// global batch, grad_accum gives them again, and a 2-rank run resumed on 1 rank continues the
// 1-rank loss curve. Its own binary, so ctest runs it alone (RUN_SERIAL): ranks are processes.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "model/checkpoint.h"
#include "model/file_io.h"
#include "model/run_commit.h"
#include "test_util.h"

extern char** environ;

using namespace wfc;
using namespace wfc::test;
using nlohmann::json;

namespace {

// Runs `wfc ARGS...` (no shell), stderr into LOG; returns the exit code.
int run_wfc(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> a = {WFC_BIN};
  a.insert(a.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, WFC_BIN, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return -1;
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string text_of(const std::string& path) {
  std::ifstream f(path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<double> losses(const std::string& dir) {
  std::vector<double> out;
  std::ifstream in(dir + "/metrics.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line);
    if (j["kind"] == "train") out.push_back(j["loss"].get<double>());
  }
  return out;
}

// A tiny WFC run: global batch 8, 1 intra-op thread per rank, no dropout (no per-rank RNG at all),
// a constant learning rate after warm-up (min_lr = lr), so a 6-step run resumed to 12 steps meets
// the schedule of a 12-step run.
std::vector<std::string> tiny(const std::string& out, const std::string& tok, int steps) {
  return {"train", "--train-files", data_path("tiny.txt"), "--val-files", data_path("tiny.txt"), "--tokenizer", tok,
          "--vocab-size", "400", "--block-size", "32", "--n-layer", "2", "--n-head", "2", "--n-embd", "32",
          "--batch", "8", "--lr", "3e-3", "--min-lr", "3e-3", "--warmup", "2", "--eval-every", "0",
          "--eval-windows", "4", "--eval-future", "8", "--eval-reconverge", "1", "--log-every", "1",
          "--future-max", "12", "--partial-share", "0.2", "--threads", "1", "--device", "cpu", "--seed", "11",
          "--steps", std::to_string(steps), "--ckpt-every", "3", "--out", out, "--dist-timeout", "60"};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

double max_weight_diff(const std::string& a, const std::string& b) {
  auto ka = load_checkpoint(a), kb = load_checkpoint(b);
  double m = 0;
  for (const auto& [n, t] : ka.params) m = std::max(m, (t - kb.params.at(n)).abs().max().item<double>());
  return m;
}

std::string tokenizer_in(const std::string& dir) {
  write_file_atomic(dir + "/tokenizer.model", tiny_tokenizer().data(), tiny_tokenizer().size());
  return dir + "/tokenizer.model";
}

// Tolerances. One rank sums the float32 losses and gradients of its 8 windows; two ranks each sum 4
// and Gloo adds the two partial sums, so the order of float32 additions differs (relative rounding
// ~1e-7 per sum). AdamW divides by sqrt(v): relative gradient differences of ~1e-6 become weight
// differences of ~lr * 1e-6 per step. Measured here: see notes; the bounds (1e-5 relative on the
// loss, 1e-5 absolute on weights of size ~0.1) leave a margin of about 10x and still fail on any
// real difference of batch, window or normalisation (those move the loss by 1e-2 or more).
constexpr double kLossRel = 1e-5, kWeightAbs = 1e-5;

}  // namespace

TEST(Dist, TwoGlooRanksMatchOneRank) {
  const std::string dir = temp_dir(), tok = tokenizer_in(dir);
  ASSERT_EQ(run_wfc(tiny(dir + "/one", tok, 6), dir + "/one.log"), 0) << text_of(dir + "/one.log");
  ASSERT_EQ(run_wfc(with(tiny(dir + "/two", tok, 6), {"--nproc", "2"}), dir + "/two.log"), 0) << text_of(dir + "/two.log");
  const auto a = losses(dir + "/one"), b = losses(dir + "/two");
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(b.size(), 6u) << "only rank 0 writes metrics";
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]) / a[i]);
    EXPECT_NEAR(a[i], b[i], kLossRel * a[i]) << "step " << i + 1;
  }
  EXPECT_GT(a.front() - a.back(), 0.05) << "the run learns: a comparison of losses that do not move proves little";
  const double dw = max_weight_diff(dir + "/one/ckpt.safetensors", dir + "/two/ckpt.safetensors");
  std::cout << "    1 rank vs 2 ranks, 6 steps: loss rel diff max " << worst << ", weights max abs diff " << dw << "\n";
  EXPECT_LT(dw, kWeightAbs);
  EXPECT_EQ(read_commit(dir + "/one")->world_size, 1);
  EXPECT_EQ(read_commit(dir + "/two")->world_size, 2);
  EXPECT_EQ(load_checkpoint(dir + "/two/ckpt.safetensors").tokens_seen, 6 * 8 * 32);
  EXPECT_NE(text_of(dir + "/two.log").find("distributed: rank 0 of 2 (gloo)"), std::string::npos) << text_of(dir + "/two.log");

  // grad_accum splits the same global batch into 2 ranks x 2 micro-batches of 2: the same curve.
  ASSERT_EQ(run_wfc(with(tiny(dir + "/accum", tok, 6), {"--nproc", "2", "--grad-accum", "2"}), dir + "/accum.log"), 0)
      << text_of(dir + "/accum.log");
  const auto e = losses(dir + "/accum");
  ASSERT_EQ(e.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_NEAR(a[i], e[i], kLossRel * a[i]) << "step " << i + 1;
  EXPECT_LT(max_weight_diff(dir + "/one/ckpt.safetensors", dir + "/accum/ckpt.safetensors"), kWeightAbs);
}

TEST(Dist, TwoRankRunResumesOnOneRank) {
  const std::string dir = temp_dir(), tok = tokenizer_in(dir);
  ASSERT_EQ(run_wfc(with(tiny(dir + "/two", tok, 6), {"--nproc", "2"}), dir + "/two.log"), 0) << text_of(dir + "/two.log");
  ASSERT_EQ(run_wfc(tiny(dir + "/one12", tok, 12), dir + "/one12.log"), 0) << text_of(dir + "/one12.log");
  ASSERT_EQ(run_wfc({"train", "--out", dir + "/two", "--resume", "--steps", "12"}, dir + "/resume.log"), 0)
      << text_of(dir + "/resume.log");
  EXPECT_NE(text_of(dir + "/resume.log").find("written by 2 rank(s), continues on 1"), std::string::npos)
      << text_of(dir + "/resume.log");
  const auto c = losses(dir + "/one12"), d = losses(dir + "/two");
  ASSERT_EQ(c.size(), 12u);
  ASSERT_EQ(d.size(), 12u) << "the resumed run appends to the 2-rank run's metrics";
  for (size_t i = 0; i < 12; ++i) EXPECT_NEAR(c[i], d[i], kLossRel * c[i]) << "step " << i + 1;
  std::cout << "    step 12 loss: " << c[11] << " (1 rank throughout) vs " << d[11] << " (2 ranks, then 1)\n";
  EXPECT_LT(max_weight_diff(dir + "/one12/ckpt.safetensors", dir + "/two/ckpt.safetensors"), kWeightAbs);
  EXPECT_EQ(load_checkpoint(dir + "/two/ckpt.safetensors").tokens_seen, 12 * 8 * 32);
  EXPECT_EQ(read_commit(dir + "/two")->world_size, 1);
}

TEST(Dist, BatchThatDoesNotSplitIsRefused) {
  const std::string dir = temp_dir(), tok = tokenizer_in(dir);
  // 8 windows do not split into 2 ranks x 3 micro-batches: refused before any rank trains.
  EXPECT_EQ(run_wfc(with(tiny(dir + "/bad", tok, 2), {"--nproc", "2", "--grad-accum", "3"}), dir + "/bad.log"), 2)
      << text_of(dir + "/bad.log");
  EXPECT_NE(text_of(dir + "/bad.log").find("does not split into 2 rank(s) x --grad-accum 3"), std::string::npos)
      << text_of(dir + "/bad.log");
}
