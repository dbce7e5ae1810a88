// wfc generate: text from a prompt under a collapse policy, streamed as it is minted.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "app/lab_checkpoint.h"
#include "viz/data_out.h"
#include "model/ar_decode.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/atomic_write.h"
#include "model/file_io.h"
#include "model/generate.h"
#include "model/sampling.h"
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
          {"ms", r.ms},                 {"unrun_from", r.unrun_from}};
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

// generate's own defaults: the simplest policy, and a little below temperature 1 so samples read well.
static viz::LabSettings generate_defaults() {
  viz::LabSettings s;
  s.policy = "first-future";
  s.engine.temperature = 0.8f;
  return s;
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
  const Pick pick = a.number("temperature", num::at_least(0)) <= 0 ? Pick::Argmax : Pick::Sample;
  viz::LabSettings st = generate_defaults();
  cli::Args args = a;
  if (pick == Pick::Argmax) args.values["temperature"] = "1";  // 0 means arg-max
  st = settings_from(args, st);  // bad values and policy names fail before the checkpoint loads
  auto policy = make_policy(st.policy, st.params);
  if (policy->name() == "manual") throw InputError("option --policy: manual collapses on clicks only: use the lab (wfc view)");
  if (const std::string bad = a.str("trace").empty() ? "" : check_output_path(a.str("trace")); !bad.empty())
    throw InputError("option --trace: " + bad);
  EngineConfig ec = st.engine;
  ec.threads = a.int32("threads", num::thread_range());

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
  const auto vocab = tracing ? display_vocab(tok) : nullptr;
  if (tracing) hooks.on_step = [&](const StepReport& r) {
    auto j = step_json(r);
    viz::add_token_texts(j, r, vocab.get());
    trace << viz::json_text(j) << "\n";
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
  // An AR checkpoint under first-future and its causal mask is the AR baseline: it decodes with a
  // KV cache (model/ar_decode.h), one row per token, the same tokens while the context fits the
  // engine's past (after that the decoder keeps the longer context AR runtimes keep).
  // --cache-past off, --trace or any other setting runs the engine's loop.
  const MaskKind mask = ec.mask == MaskKind::Checkpoint ? parse_mask(ck.model.mask, "checkpoint", true) : ec.mask;
  if (ck.objective == "ar" && policy->name() == "first-future" && mask == MaskKind::Causal && ec.pin_past &&
      ec.cache_past && ck.model.readout == "shifted" && !tracing) {
    std::mt19937_64 rng(ec.seed);
    TokenPicker picker;
    if (pick == Pick::Sample)
      picker = [&](const float* probs, int V) {
        return sample_token(probs, V, ec.temperature, ec.sample_top_k, ec.sample_top_p, rng);
      };
    ArDecodeStats d = ar_decode(engine.network(), engine.past_tokens(), tokens, picker, hooks.on_mint);
    std::cout << "\n";
    if (!a.on("quiet"))
      std::cerr << std::fixed << std::setprecision(2) << "generate: " << d.tokens.size()
                << " tokens, AR checkpoint: KV-cached decode, " << d.prefills << " prefills, "
                << (d.tokens.empty() ? 0.0 : d.ms / double(d.tokens.size())) << " ms per token\n";
    return 0;
  }
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
      {"tokens", "32", "tokens to mint", false, "N"},
      {"device", "auto", "auto | cpu | cuda", false, "D"},
      {"threads", "2", "intra-op threads on CPU", false, "N"},
      {"trace", "", "write one JSON line per iteration to this file", false, "FILE"},
      {"quiet", "", "no summary line on stderr", true}};
  for (auto& f : setting_flags({"policy", "threshold", "budget", "alpha", "future", "max_iters", "tol", "stop_on",
                                 "eta", "temperature", "top_k", "top_p", "seed", "pin_past", "cache_past", "mask"},
                                generate_defaults()))
    c.flags.push_back(f);
  for (auto& f : c.flags)
    if (f.name == "temperature") f.help += " (0: arg-max)";
  c.run = run_generate;
  return c;
}

}  // namespace wfc::app
