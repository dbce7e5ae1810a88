// wfc info CHECKPOINT: what a checkpoint holds, without running it.
#include <iomanip>
#include <iostream>

#include "app/commands.h"
#include "model/checkpoint.h"
#include "model/tokenizer.h"

namespace wfc::app {

static int run_info(const cli::Args& a) {
  const std::string path = a.positional.at(0);
  Checkpoint ck = load_checkpoint(path);
  const auto& m = ck.model;
  int64_t params = 0;
  for (const auto& [n, t] : ck.params) params += t.numel();
  const int pieces = Tokenizer::from_bytes(ck.tokenizer).vocab_size();
  if (a.on("json")) {
    nlohmann::json j = {{"path", path},          {"format_version", kCheckpointVersion},
                        {"objective", ck.objective}, {"model_config", m},
                        {"train_config", ck.train},  {"parameters", params},
                        {"vocab_size", pieces},      {"step", ck.step},
                        {"tokens_seen", ck.tokens_seen}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  auto row = [](const char* k) -> std::ostream& { return std::cout << std::left << std::setw(14) << k; };
  row("checkpoint") << path << "\n";
  row("format") << "wfc-checkpoint v" << kCheckpointVersion << "\n";
  row("objective") << (ck.objective == "ar" ? "ar (autoregressive baseline)" : "wfc") << "\n";
  row("model") << m.n_layer << " layers x " << m.n_embd << " wide, " << m.n_head << " heads, window "
               << m.block_size << ", " << m.pos << " positions, " << m.mask << " mask"
               << (m.held_embedding ? " with a held-row embedding" : "") << ", " << m.readout << " read-out\n";
  row("parameters") << params << " (" << std::fixed << std::setprecision(2) << params / 1e6 << " M)\n";
  row("vocabulary") << pieces << " pieces\n";
  row("step") << ck.step << "\n";
  row("tokens seen") << ck.tokens_seen << "\n";
  row("model config") << nlohmann::json(m).dump() << "\n";
  row("train config") << ck.train.dump() << "\n";
  return 0;
}

cli::Command info_command() {
  cli::Command c;
  c.name = "info";
  c.usage = "wfc info CHECKPOINT [--json]";
  c.summary = "print a checkpoint's config, parameter count, vocabulary, step and tokens seen";
  c.flags = {{"json", "", "print JSON instead of a table", true}};
  c.min_positional = c.max_positional = 1;
  c.run = run_info;
  return c;
}

}  // namespace wfc::app
