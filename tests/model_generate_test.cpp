// `wfc generate` end to end through the real binary, on a random checkpoint and on a tiny model
// trained here for a few dozen steps (teacher-forced next-token loss, the shifted read-out).
#include <cstdio>
#include <fstream>

#include "model/file_io.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;

namespace {

int run(const std::string& cmd) {
  int rc = std::system((cmd + " > /dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<nlohmann::json> read_trace(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A few dozen Adam steps of next-token prediction on tiny.txt: enough to move off uniform.
Checkpoint tiny_trained(std::vector<float>& losses) {
  Checkpoint ck = tiny_checkpoint();
  ck.model.mask = "causal";
  Tokenizer tok = Tokenizer::from_bytes(ck.tokenizer);
  std::vector<int> ids;
  std::ifstream f(data_path("tiny.txt"));
  std::string line;
  while (std::getline(f, line)) {
    auto v = tok.encode(line);
    ids.insert(ids.end(), v.begin(), v.end());
  }
  torch::manual_seed(0);
  Network net(ck.model);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(3e-3));
  const int T = ck.model.block_size, B = 16;
  auto data = torch::tensor(ids, torch::kLong);
  for (int step = 0; step < 60; ++step) {
    auto starts = torch::randint(0, int64_t(ids.size()) - T - 1, {B}, torch::kLong);
    std::vector<torch::Tensor> xs, ys;
    for (int b = 0; b < B; ++b) {
      int64_t s = starts[b].item<int64_t>();
      xs.push_back(data.narrow(0, s, T));
      ys.push_back(data.narrow(0, s + 1, T));
    }
    auto x = torch::stack(xs), y = torch::stack(ys);  // [B,T]
    auto fut = torch::zeros({B, T}, torch::kBool);
    auto logits = net->readout(net->stack(net->embed_tokens(x), net->attention_mask(fut, "causal")));  // [B,T,V]
    auto loss = torch::nn::functional::cross_entropy(logits.view({B * T, -1}), y.view({B * T}));
    opt.zero_grad();
    loss.backward();
    opt.step();
    losses.push_back(loss.item<float>());
  }
  for (auto& p : net->named_parameters()) ck.params[p.key()] = p.value().detach().clone();
  ck.step = 60;
  return ck;
}

}  // namespace

TEST(Generate, RandomCheckpointRunsEndToEndAndIsDeterministic) {
  const std::string dir = temp_dir(), ckp = dir + "/random.safetensors";
  save_checkpoint(ckp, tiny_checkpoint());
  const std::string cmd = std::string(WFC_BIN) + " generate --checkpoint " + ckp +
                          " --prompt 'The jury said' --tokens 6 --future 5 --max-iters 8 --seed 3 --trace ";
  ASSERT_EQ(run(cmd + dir + "/a.jsonl"), 0);
  ASSERT_EQ(run(cmd + dir + "/b.jsonl"), 0);
  auto a = read_trace(dir + "/a.jsonl"), b = read_trace(dir + "/b.jsonl");
  ASSERT_GE(a.size(), 6u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const int L = a[i]["length"];
    EXPECT_EQ(a[i]["entropy"].size(), size_t(L));
    EXPECT_EQ(a[i]["topk_ids"].size(), size_t(L) * a[i]["k"].get<size_t>());
    a[i].erase("ms");
    b[i].erase("ms");
    EXPECT_EQ(a[i], b[i]) << "iteration " << i;
  }
  EXPECT_EQ(run(std::string(WFC_BIN) + " generate --checkpoint " + ckp + " --policy nope"), 2);
  EXPECT_EQ(run(std::string(WFC_BIN) + " generate --checkpoint " + ckp + " --policy manual"), 2);
  EXPECT_EQ(run(std::string(WFC_BIN) + " generate --checkpoint " + dir + "/missing.safetensors"), 2);
}

TEST(Generate, TinyTrainedCheckpointRunsEveryPolicy) {
  std::vector<float> losses;
  Checkpoint ck = tiny_trained(losses);
  const float first = (losses[0] + losses[1] + losses[2]) / 3, last = (losses[57] + losses[58] + losses[59]) / 3;
  std::cout << "    next-token loss " << first << " -> " << last << " in 60 steps\n";
  EXPECT_LT(last, first - 0.5f);
  const std::string dir = temp_dir(), ckp = dir + "/tiny.safetensors";
  save_checkpoint(ckp, ck);
  for (const char* policy : {"first-future", "lowest-entropy", "threshold", "entropy-budget", "median-partial"}) {
    const std::string out = dir + "/" + policy + ".txt";
    const std::string cmd = std::string(WFC_BIN) + " generate --checkpoint " + ckp +
                            " --prompt 'The jury' --tokens 8 --policy " + policy + " --trace " + dir + "/t.jsonl > " + out;
    ASSERT_EQ(std::system((cmd + " 2>/dev/null").c_str()), 0) << policy;
    const std::string text = read_file_text(out);
    std::cout << "    " << policy << ": " << text;
    EXPECT_EQ(text.rfind("The jury", 0), 0u) << text;
    EXPECT_GT(text.size(), std::string("The jury\n").size()) << policy;
    // The trained model is more certain than uniform about its first future row.
    auto t = read_trace(dir + "/t.jsonl");
    ASSERT_FALSE(t.empty());
    const auto& first_step = t.back();
    const int np = first_step["n_past"];
    EXPECT_LT(first_step["entropy"][np].get<float>(), std::log(float(ck.model.vocab_size)) - 0.5f) << policy;
  }
}
