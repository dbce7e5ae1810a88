// wfc generate: text from a prompt under a collapse policy, streamed as it is minted.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/file_io.h"
#include "model/generate.h"
#include "model/tokenizer.h"

namespace wfc::app {

static nlohmann::json step_json(const StepReport& r) {
  return {{"iteration", r.iteration},   {"converge_iteration", r.converge_iteration},
          {"n_past", r.n_past},         {"length", r.length},
          {"entropy", r.entropy},       {"update", r.update},
          {"kl", r.kl},                 {"argmax", r.argmax},
          {"k", r.k},                   {"topk_ids", r.topk_ids},
          {"topk_probs", r.topk_probs}, {"status", r.status},
          {"alpha", r.alpha},           {"max_update", r.max_update},
          {"max_kl", r.max_kl},         {"converged", r.converged},
          {"ms", r.ms}};
}

torch::Device pick_device(const std::string& d) {
  if (d == "cpu") return torch::kCPU;
  if (d == "cuda") {
    if (!torch::cuda::is_available()) throw InputError("--device cuda: no CUDA device (or LibTorch built without CUDA)");
    return torch::kCUDA;
  }
  if (d == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  throw cli::UsageError("option --device: expected auto, cpu or cuda, got '" + d + "'");
}

EngineConfig engine_config_from(const cli::Args& a) {
  EngineConfig e;
  e.future = a.int32("future", {1, 65'535});  // and below the checkpoint's window: check_future()
  e.max_iters = a.int32("max-iters", {1, 1'000'000});
  e.tol = float(a.number("tol", num::above(0)));
  e.eta = float(a.number("eta", {0, 1, true, false}));
  e.stop_on = a.str("stop-on");
  if (e.stop_on != "kl" && e.stop_on != "update")
    throw cli::UsageError("option --stop-on: expected kl or update, got '" + e.stop_on + "'");
  e.pin_past = !a.on("drift");
  e.mask = a.str("mask") == "checkpoint" ? "" : a.str("mask");
  e.temperature = float(a.number("temperature", num::at_least(0)));
  e.sample_top_k = a.int32("top-k", {0, INT32_MAX});
  e.sample_top_p = float(a.number("top-p", {0, 1, true, false}));
  e.seed = a.uint("seed");
  e.threads = a.int32("threads", num::thread_range());
  if (e.temperature <= 0) e.temperature = 1;  // 0 means arg-max; see pick below
  return e;
}

void check_future(int64_t future, const ModelConfig& m, const std::string& what) {
  if (future >= m.block_size)
    throw cli::UsageError(what + ": expected fewer future rows than the checkpoint's window of " +
                          std::to_string(m.block_size) + " (at most " + std::to_string(m.block_size - 1) + "), got " +
                          std::to_string(future));
}

void note_prompt_kept(const std::string& who, size_t prompt_tokens, int future, int block_size) {
  const int64_t room = int64_t(block_size) - future;
  if (int64_t(prompt_tokens) > room)
    std::cerr << who << ": the prompt has " << prompt_tokens << " tokens; with " << future
              << " future rows the window of " << block_size << " keeps its last " << room << "\n";
}

static int run_generate(const cli::Args& a) {
  const std::string path = a.given("checkpoint") ? a.str("checkpoint") : bundled_checkpoint_path();
  const int tokens = a.int32("tokens", {0, INT32_MAX});
  if (a.on("pin-past") && a.on("drift")) throw cli::UsageError("--pin-past and --drift exclude each other");
  PolicyParams pp;
  pp.threshold = float(a.number("threshold", num::at_least(0)));
  pp.budget = float(a.number("budget", num::at_least(0)));
  pp.alpha = float(a.number("alpha", {0, 1, true, false}));
  auto policy = make_policy(a.str("policy"), pp);  // bad names fail before the checkpoint loads
  EngineConfig ec = engine_config_from(a);
  const Pick pick = a.number("temperature") <= 0 ? Pick::Argmax : Pick::Sample;

  Checkpoint ck = load_checkpoint(path);
  check_future(ec.future, ck.model, "option --future");
  Tokenizer tok = Tokenizer::from_bytes(ck.tokenizer);
  torch::manual_seed(ec.seed);
  Engine engine(build_network(ck), ec, pick_device(a.str("device")));
  std::vector<int> prompt = tok.encode(a.str("prompt"));
  if (prompt.empty()) prompt.push_back(1);  // <s>: sentencepiece's default BOS id
  note_prompt_kept("wfc generate", prompt.size(), ec.future, ck.model.block_size);
  engine.reset(prompt);

  std::ostringstream trace;
  const bool tracing = !a.str("trace").empty();
  const std::string prompt_text = tok.decode(engine.past_tokens());
  std::cout << prompt_text << std::flush;
  std::vector<int> all_ids = engine.past_tokens();  // decoded with the prompt: a word-initial piece
  std::string shown = prompt_text;                  // then keeps its space ("that the", not "thatthe")
  GenerateHooks hooks;
  if (tracing) hooks.on_step = [&](const StepReport& r) {
    trace << step_json(r).dump() << "\n";
    return true;
  };
  hooks.on_mint = [&](int t) {
    all_ids.push_back(t);
    // Decode prompt and continuation together so that multi-piece words and spaces print correctly,
    // then print what is new.
    std::string text = tok.decode(all_ids);
    if (text.compare(0, shown.size(), shown) == 0) std::cout << text.substr(shown.size()) << std::flush;
    else std::cout << "\n" << text.substr(std::min(text.size(), prompt_text.size())) << std::flush;
    shown = text;
  };
  GenerateStats s = generate(engine, *policy, tokens, pick, hooks);
  std::cout << "\n";
  if (tracing) write_file_atomic(a.str("trace"), trace.str());
  if (!a.on("quiet")) {
    std::cerr << std::fixed << std::setprecision(2) << "generate: " << s.minted.size() << " tokens, "
              << s.rounds << " rounds, " << s.iterations << " iterations ("
              << (s.rounds ? double(s.iterations) / s.rounds : 0.0) << " per round, " << s.early_exits << " of "
              << s.rounds << " exited early), " << (s.iterations ? s.ms / s.iterations : 0.0)
              << " ms per iteration, policy " << policy->name() << "\n";
  }
  return 0;
}

cli::Command generate_command() {
  cli::Command c;
  c.name = "generate";
  c.usage = "wfc generate [--checkpoint F] [--prompt TEXT] [options]";
  c.summary = "generate text from a prompt under a collapse policy, with per-step entropy";
  c.flags = {
      {"checkpoint", "checkpoints/default.safetensors", "checkpoint to run", false, "FILE"},
      {"prompt", "", "text to start from (empty: begin-of-sentence)", false, "TEXT"},
      {"policy", "first-future", "first-future | lowest-entropy | threshold | entropy-budget | median-partial", false, "NAME"},
      {"future", "16", "future rows kept after the past", false, "N"},
      {"tokens", "32", "tokens to mint", false, "N"},
      {"max-iters", "32", "iterations per re-convergence at most", false, "N"},
      {"tol", "0.001", "convergence tolerance on the stop metric", false, "X"},
      {"stop-on", "kl", "stop metric: kl (between successive rows) or update (||dx||/||x||)", false, "M"},
      {"eta", "1", "step size of x += eta v(x)", false, "X"},
      {"temperature", "0.8", "sampling temperature for full collapse (0: arg-max)", false, "T"},
      {"top-k", "0", "sample among the k most likely tokens (0: all)", false, "K"},
      {"top-p", "1", "nucleus sampling mass", false, "P"},
      {"threshold", "2", "threshold policy: collapse rows under this entropy (nats)", false, "TAU"},
      {"budget", "4", "entropy-budget policy: summed entropy allowed per round (nats)", false, "GAMMA"},
      {"alpha", "0.5", "median-partial policy: blend strength", false, "A"},
      {"seed", "0", "random seed", false, "N"},
      {"pin-past", "", "keep past rows fixed", true, "X", "on, unless --drift"},
      {"drift", "", "let past rows drift (re-contextualise)", true},
      {"mask", "checkpoint", "attention mask: checkpoint | none | causal | block | held | lookahead", false, "KIND"},
      {"device", "auto", "auto | cpu | cuda", false, "D"},
      {"threads", "2", "intra-op threads on CPU", false, "N"},
      {"trace", "", "write one JSON line per iteration to this file", false, "FILE"},
      {"quiet", "", "no summary line on stderr", true}};
  c.run = run_generate;
  return c;
}

}  // namespace wfc::app
