// wfc info CHECKPOINT: what a checkpoint holds, without running it.
// wfc info --system: the BLAS, its kernel, threads and OpenMP wait policy this process runs with.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "model/blas_runtime.h"
#include "model/checkpoint.h"
#include "model/tokenizer.h"

namespace wfc::app {

static int run_system(const cli::Args& a) {
  const blas::Info b = blas::info();
  const std::string cpu = blas::best_core();
  if (a.on("json")) {
    nlohmann::json j = {{"torch", TORCH_VERSION},
                        {"blas_library", b.library},
                        {"blas_config", b.config},
                        {"blas_core", b.core},
                        {"blas_core_env", b.coretype_env},
                        {"blas_core_chosen_by", b.chosen_by},
                        {"blas_core_best_for_cpu", cpu.empty() ? "OpenBLAS's choice" : cpu},
                        {"blas_threads", b.blas_threads},
                        {"blas_parallel", b.blas_parallel},
                        {"torch_threads", torch::get_num_threads()},
                        {"omp_wait_policy", b.wait_policy},
                        {"sgemm_self_test_error", b.self_test}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  auto row = [](const char* k) -> std::ostream& { return std::cout << std::left << std::setw(18) << k; };
  const char* parallel[] = {"sequential", "pthreads", "OpenMP"};
  row("torch") << TORCH_VERSION << "\n";
  row("BLAS library") << (b.library.empty() ? "(no sgemm_ found)" : b.library) << "\n";
  row("BLAS config") << (b.config.empty() ? "(not OpenBLAS)" : b.config) << "\n";
  row("BLAS core") << (b.core.empty() ? "(unknown)" : b.core) << ", chosen by " << b.chosen_by << "\n";
  row("best for this CPU") << (cpu.empty() ? "OpenBLAS's own choice" : cpu) << "\n";
  row("BLAS threads") << b.blas_threads << " ("
                      << (b.blas_parallel >= 0 && b.blas_parallel <= 2 ? parallel[b.blas_parallel] : "unknown") << ")\n";
  row("torch threads") << torch::get_num_threads() << "\n";
  row("OMP_WAIT_POLICY") << b.wait_policy << "\n";
  row("sgemm self-test") << (b.self_test < 0 ? "not run (no sgemm_)"
                                            : (b.self_test <= blas::kSelfTestTolerance ? "ok" : "FAILED"))
                         << " (max relative error " << b.self_test << ")\n";
  return 0;
}

static int run_info(const cli::Args& a) {
  if (a.on("system")) {
    if (!a.positional.empty()) throw cli::UsageError("--system takes no checkpoint");
    return run_system(a);
  }
  if (a.positional.empty()) throw cli::UsageError("a checkpoint is required (or --system)");
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
                        {"tokens_seen", ck.tokens_seen}, {"tokens_total", ck.tokens_total()},
                        {"world_size", ck.world_size},
                        {"lineage", ck.lineage}};
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
  const std::string init_from = ck.train.is_object() && ck.train.value("init_from", nlohmann::json()).is_string()
                                    ? ck.train["init_from"].get<std::string>() : "";
  const bool staged = !ck.lineage.empty();
  auto millions = [](int64_t t) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << t / 1e6 << " M";
    return o.str();
  };
  row("step") << ck.step << (staged || !init_from.empty() ? " (this stage)" : "");
  if (ck.world_size > 1) std::cout << ", written by " << ck.world_size << " data-parallel ranks";
  std::cout << "\n";
  row("tokens seen") << ck.tokens_seen << " in this stage (" << millions(ck.tokens_seen) << ")";
  if (staged)
    std::cout << "; " << ck.tokens_total() << " over " << ck.lineage.size() + 1 << " stages (" << millions(ck.tokens_total()) << ")";
  std::cout << "\n";
  // Every earlier stage, oldest first; a checkpoint from before lineage was recorded names only its
  // starting point (its train config's init_from).
  for (size_t i = 0; i < ck.lineage.size(); ++i) {
    const auto& e = ck.lineage[i];
    row(i == 0 ? "lineage" : "") << e.at("path").get<std::string>() << ": " << e.value("objective", "?") << ", step "
                                 << e.at("step").get<int64_t>() << ", " << e.at("tokens_seen").get<int64_t>() << " tokens\n";
  }
  if (!staged && !init_from.empty())
    row("lineage") << "started from " << init_from << " (its tokens and parents are not recorded in this checkpoint)\n";
  row("model config") << nlohmann::json(m).dump() << "\n";
  row("train config") << ck.train.dump() << "\n";
  return 0;
}

cli::Command info_command() {
  cli::Command c;
  c.name = "info";
  c.usage = "wfc info CHECKPOINT [--json] | wfc info --system [--json]";
  c.summary = "print a checkpoint's config, parameter count, vocabulary, step and tokens seen";
  c.flags = {{"json", "", "print JSON instead of a table", true},
             {"system", "", "print the BLAS library, its kernel, threads and OpenMP wait policy instead", true}};
  c.min_positional = 0;
  c.max_positional = 1;
  c.run = run_info;
  return c;
}

}  // namespace wfc::app
