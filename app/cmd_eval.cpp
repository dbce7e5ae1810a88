// wfc eval: the held-out evaluation of `wfc train`, for one checkpoint or several side by side
// (a WFC model next to its baseline: same text, same windows, same first-future tokens).
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "model/checkpoint.h"
#include "model/data.h"
#include "model/errors.h"
#include "model/evaluate.h"
#include "model/tokenizer.h"

namespace wfc::app {

using nlohmann::json;

static int run_eval(const cli::Args& a) {
  EvalOptions o;
  o.windows = a.int32("windows", {1, 1'000'000});
  const EngineConfig ec = settings_from(a).engine;
  o.future = ec.future;
  o.max_iters = ec.max_iters;
  o.tol = ec.tol;
  o.cache_past = ec.cache_past;
  o.reconverge = a.int32("reconverge", {0, 10'000});
  o.ahead = a.int32("ahead", {0, 65'535});  // 0 = off
  o.ahead = std::min(o.ahead, o.future);  // a short future probes its last row
  if (o.ahead < 3) o.ahead = 0;           // no row between d=1 and the collapse to score
  torch::set_num_threads(a.int32("threads", num::thread_range()));
  const torch::Device dev = pick_device(a.str("device"));
  // The held-out text: the flags when given, else what the first checkpoint was trained with (its
  // train config's val_files and data), so every checkpoint is scored on the same tokens.
  std::vector<Checkpoint> cks;
  for (const auto& path : a.positional) cks.push_back(load_checkpoint(path));
  std::string val_files = a.str("val-files"), data = a.str("data");
  if (!a.given("val-files") && !a.given("data")) {
    const auto& tc = cks.front().train;
    if (tc.is_object() && tc.value("val_files", nlohmann::json()).is_string()) val_files = tc["val_files"].get<std::string>();
    if (tc.is_object() && tc.value("data", nlohmann::json()).is_string()) data = tc["data"].get<std::string>();
    std::cerr << "eval: held-out text from " << a.positional.front() << "'s train config: "
              << (val_files.empty() ? data + "/val.txt" : val_files) << "\n";
  }
  const auto files = corpus_files(val_files, data, "val.txt", "name files with --val-files or a corpus with --data");

  std::vector<std::pair<std::string, EvalResult>> results;
  std::vector<std::vector<uint8_t>> tokenizers;
  for (size_t i = 0; i < cks.size(); ++i) {
    const std::string& path = a.positional[i];
    Checkpoint ck = std::move(cks[i]);
    check_future(o.future, ck.model, "option --future (" + path + ")");
    Tokenizer tok = Tokenizer::from_bytes(ck.tokenizer);
    const auto tokens = encode_corpus(files, tok, ck.tokenizer, "", [](const std::string&) {});
    Network net = build_network(ck);
    net->to(dev);
    auto ids = fixed_windows(tokens, o.windows, ck.model.block_size + o.reconverge, "option --windows");
    results.emplace_back(path, evaluate(net, ck.objective, ids, o));
    tokenizers.push_back(ck.tokenizer);
  }
  if (a.on("json")) {
    json out = json::array();
    for (const auto& [p, r] : results) out.push_back({{"checkpoint", p}, {"eval", r}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  // A table: one column per checkpoint.
  const int w = 16;
  auto row = [&](const std::string& name, auto cell) {
    std::cout << std::left << std::setw(28) << name << std::right;
    for (const auto& [p, r] : results) std::cout << std::setw(w) << cell(r);
    std::cout << "\n";
  };
  auto num = [](double v, int prec = 3) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(prec) << v;
    const std::string t = s.str();  // a value that rounds to zero is "0.000", not "-0.000"
    return t.find_first_not_of("-0.") == std::string::npos && t[0] == '-' ? t.substr(1) : t;
  };
  auto wfc_only = [&](const EvalResult& r, double v, int prec = 3) { return r.objective == "wfc" ? num(v, prec) : "-"; };
  std::cout << "checkpoints:\n";
  for (size_t i = 0; i < results.size(); ++i)
    std::cout << "  [" << i + 1 << "] " << results[i].first << " (" << results[i].second.objective << ")\n";
  std::cout << "held-out: " << files.front() << (files.size() > 1 ? " and more" : "") << ", " << o.windows
            << " windows, " << o.future << " future rows, " << o.reconverge + 1 << " rounds each\n\n";
  std::cout << std::left << std::setw(28) << "" << std::right;
  for (size_t i = 0; i < results.size(); ++i) std::cout << std::setw(w) << ("[" + std::to_string(i + 1) + "]");
  std::cout << "\n";
  row("first-future NLL (nats)", [&](const EvalResult& r) { return num(r.first_future_nll); });
  if (o.future > 1) {
    row("  with 1 future row", [&](const EvalResult& r) { return r.think_ahead ? num(r.first_future_nll_f1) : std::string("-"); });
    row("  think-ahead gain", [&](const EvalResult& r) { return r.think_ahead ? num(r.think_ahead_gain) : std::string("-"); });
  }
  row("tokens scored", [&](const EvalResult& r) { return std::to_string(r.scored); });
  row("val loss", [&](const EvalResult& r) { return num(r.val_loss); });
  for (int d = 0; d < o.future; ++d)
    row("NLL d=" + std::to_string(d + 1), [&](const EvalResult& r) { return wfc_only(r, r.objective == "wfc" ? r.nll_by_distance[d] : 0); });
  row("past entropy", [&](const EvalResult& r) { return wfc_only(r, r.past_entropy, 4); });
  for (int d = 0; d < o.future; ++d)
    row("entropy d=" + std::to_string(d + 1), [&](const EvalResult& r) { return wfc_only(r, r.objective == "wfc" ? r.entropy_by_distance[d] : 0); });
  row("entropy rank corr", [&](const EvalResult& r) { return wfc_only(r, r.entropy_rank_corr); });
  row("iterations to converge", [&](const EvalResult& r) { return wfc_only(r, r.mean_iters, 2); });
  row("converged share", [&](const EvalResult& r) { return wfc_only(r, r.converged_share); });
  row("re-converge iterations", [&](const EvalResult& r) { return wfc_only(r, r.reconverge_mean_iters, 2); });
  row("early-exit share", [&](const EvalResult& r) { return wfc_only(r, r.early_exit_share); });
  if (o.ahead > 0) {
    const std::string rows = "d=2.." + std::to_string(o.ahead - 1);
    row("NLL " + rows + " before", [&](const EvalResult& r) { return wfc_only(r, r.ahead_nll_before); });
    row("  after collapsing d=" + std::to_string(o.ahead), [&](const EvalResult& r) { return wfc_only(r, r.ahead_nll_after); });
    row("  iterations", [&](const EvalResult& r) { return wfc_only(r, r.ahead_iters, 2); });
  }
  row("seconds", [&](const EvalResult& r) { return num(r.seconds, 1); });
  // A gain of (nearly) 0 is often no finding about the model: its mask and read-out can keep the first
  // future token from seeing the future rows (shifted read-out from the last past row, which
  // attends to nothing after it under the block, held and causal masks).
  for (size_t i = 0; i < results.size(); ++i)
    if (o.future > 1 && results[i].second.think_ahead && std::fabs(results[i].second.think_ahead_gain) < 1e-4)
      std::cout << "\n[" << i + 1 << "] think-ahead gain below 1e-4: with the shifted read-out under the block, held or causal "
                << "mask it is 0 by construction (the first future token is read from the last past row, which sees no future "
                << "row; checkpoints/README.md, think-ahead)\n";
  if (results.size() >= 2) {
    const bool same_tok = std::all_of(tokenizers.begin(), tokenizers.end(), [&](const auto& t) { return t == tokenizers[0]; });
    std::cout << "\nfirst-future NLL ratio [k]/[1]:";
    for (size_t i = 1; i < results.size(); ++i)
      std::cout << "  [" << i + 1 << "] " << num(results[i].second.first_future_nll / results[0].second.first_future_nll);
    std::cout << (same_tok ? "  (same tokenizer: the same tokens are scored)\n"
                           : "  (the tokenizers differ: NLL per token is not directly comparable)\n");
  }
  return 0;
}

cli::Command eval_command() {
  cli::Command c;
  c.name = "eval";
  c.usage = "wfc eval CHECKPOINT [CHECKPOINT ...] [options]";
  c.summary = "held-out evaluation of checkpoints, side by side (WFC or baseline)";
  c.flags = {{"data", "data/brown", "corpus directory holding val.txt", false, "DIR",
              "the first checkpoint's train config, else data/brown"},
             {"val-files", "", "comma-separated held-out text files (instead of DATA/val.txt)", false, "FILES",
              "the first checkpoint's"},
             {"windows", "64", "evaluation windows, evenly spaced", false, "N"},
             {"reconverge", "4", "mint-and-reconverge rounds per window", false, "N"},
             {"ahead", "8", "collapse-ahead probe: collapse future row N (capped at --future) to its true token (0 = off)", false, "N"},
             {"threads", "2", "intra-op CPU threads", false, "N"},
             {"device", "auto", "auto | cpu | cuda", false, "D"},
             {"json", "", "print the results as JSON", true}};
  for (auto& f : setting_flags({"future", "max_iters", "tol", "cache_past"})) c.flags.push_back(f);
  c.min_positional = 1;
  c.max_positional = 8;
  c.run = run_eval;
  return c;
}

}  // namespace wfc::app
