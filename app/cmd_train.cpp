// wfc train: the flag table is generated from ModelConfig and TrainConfig (every field is a flag,
// --n-layer for n_layer), so a new setting is a flag without another list to keep in step.
// Precedence: defaults < --config FILE < flags. --resume continues the stored config.
#include <sys/prctl.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "app/commands.h"
#include "app/launch.h"
#include "model/checkpoint.h"
#include "model/distributed.h"
#include "model/errors.h"
#include "model/file_io.h"
#include "model/json_io.h"
#include "model/train_log.h"
#include "model/run_commit.h"
#include "model/trainer.h"

namespace wfc::app {

using nlohmann::json;

static const std::map<std::string, std::string>& field_help() {
  static const std::map<std::string, std::string> h = {
      {"vocab_size", "tokenizer pieces = embedding rows"},
      {"block_size", "window T (past + future rows)"},
      {"n_layer", "blocks in the weight-tied stack"},
      {"n_head", "attention heads"},
      {"n_embd", "embedding width"},
      {"pos", "rotary | learned positions"},
      {"rope_base", "rotary frequency base"},
      {"mask", "attention mask: " + mask_names(/*model_only=*/true)},
      {"lookahead", "rows a row may see to its right (mask lookahead)"},
      {"readout", "shifted (row i reads out token i+1) | same"},
      {"dropout", "dropout while training"},
      {"held_embedding", "true: a learned vector marks held future rows (evidence, not guesses)"},
      {"objective", "wfc | ar (the autoregressive baseline)"},
      {"data", "corpus directory with train.txt and val.txt"},
      {"train_files", "comma-separated training files, directories or globs (instead of DATA/train.txt)"},
      {"val_files", "comma-separated held-out files, directories or globs (instead of DATA/val.txt)"},
      {"out", "run directory: tokenizer, token shards, checkpoint, metrics"},
      {"tokenizer", "reuse this tokenizer (.model or checkpoint) instead of training one"},
      {"tokenizer_type", "bpe | unigram, when a tokenizer is trained"},
      {"init_from", "start from this checkpoint's weights (e.g. the AR baseline)"},
      {"steps", "optimizer steps"},
      {"batch", "windows per step: the global batch over all ranks"},
      {"grad_accum", "micro-batches per rank per step (a large global batch on few devices)"},
      {"lr", "peak learning rate"},
      {"min_lr", "learning rate at the end of the cosine"},
      {"warmup", "linear warm-up steps"},
      {"weight_decay", "AdamW decay on matrices"},
      {"beta1", "AdamW beta1"},
      {"beta2", "AdamW beta2"},
      {"grad_clip", "global gradient-norm clip (0: off)"},
      {"bf16", "bf16 autocast on CUDA"},
      {"future_min", "shortest training future"},
      {"future_max", "F_max: longest training future"},
      {"curriculum_steps", "ramp F_max up from future_min over these steps (0: off)"},
      {"iters", "K: refinement iterations unrolled per window"},
      {"grad_iters", "m: iterations back-propagated through as a chain"},
      {"iter_weights", "loss weight per iteration: uniform | linear | last"},
      {"past_weight", "weight of the past rows' next-token loss"},
      {"eta", "feedback step size"},
      {"collapse_share", "share of future rows fully collapsed to the truth"},
      {"partial_share", "share of future rows partially collapsed"},
      {"clean_share", "share of windows with no collapsed or partial rows"},
      {"random_mask_share", "share of windows with the future at random positions"},
      {"eval_every", "steps between evaluations (0: at the end only)"},
      {"eval_windows", "held-out windows per evaluation"},
      {"eval_future", "future rows in an evaluation window"},
      {"eval_max_iters", "refinement cap at evaluation"},
      {"eval_tol", "KL convergence threshold at evaluation"},
      {"eval_reconverge", "mint-and-reconverge rounds per evaluation window"},
      {"ckpt_every", "steps between checkpoints (0: at the end only)"},
      {"log_every", "steps between metrics lines"},
      {"seed", "random seed"},
      {"threads", "intra-op CPU threads"},
      {"device", "auto | cpu | cuda"}};
  return h;
}

static std::string flag_name(std::string key) {
  for (auto& c : key)
    if (c == '_') c = '-';
  return key;
}

static std::string json_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {  // 10000 and 0.002, not 10000.0 and 0.0020000000949949026
    char b[32];
    std::snprintf(b, sizeof b, "%g", v.get<double>());
    return b;
  }
  return v.dump();
}

// Sets j[key] from the flag's text, typed like the default it replaces.
static void set_from_flag(json& j, const std::string& key, const cli::Args& a) {
  const std::string name = flag_name(key);
  const json& def = j[key];
  if (def.is_string()) j[key] = a.str(name);
  else if (def.is_boolean()) {
    const std::string v = a.str(name);
    if (v != "true" && v != "false") throw cli::UsageError("option --" + name + ": expected true or false, got '" + v + "'");
    j[key] = v == "true";
  } else if (def.is_number_unsigned()) j[key] = a.uint(name);
  else if (def.is_number_integer()) j[key] = a.integer(name);
  else j[key] = a.number(name);
}

// Keys that --resume may change: they do not alter what the next step computes.
// grad_accum only splits the same global batch differently.
static const std::set<std::string> kResumable = {"steps", "eval_every", "ckpt_every", "log_every", "threads", "device",
                                                 "grad_accum"};

static std::string fmt_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  char b[32];
  const long t = long(s + 0.5);
  if (t >= 3600) std::snprintf(b, sizeof b, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else std::snprintf(b, sizeof b, "%ldm%02lds", t / 60, t % 60);
  return b;
}

// SIGINT/SIGTERM: the first asks the trainer to finish its step and save; a second one ends the
// process at once (the committed unit on disk is whole either way). Before training has begun
// (reading the corpus, joining the other ranks) there is nothing to save, and a rank waiting for
// a peer could not see the flag: the first signal ends the process at once there.
static volatile std::sig_atomic_t g_stop_signal = 0;
static volatile std::sig_atomic_t g_training = 0;  // set by the trainer's "started" event, on every rank

extern "C" void on_stop_signal(int sig) {
  if (g_stop_signal != 0 || g_training == 0) _exit(128 + sig);
  g_stop_signal = sig;
}

static void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

static int run_train(const cli::Args& a) {
  install_stop_handlers();  // first: a Ctrl+C during the checks and the start-up ends at once
  const int64_t nproc = a.integer("nproc", {1, 256});
  DistLaunch launch;
  launch.env = dist_env_from_environment();
  launch.timeout = std::chrono::seconds(a.integer("dist-timeout", {1, 86400}));
  const bool resume = a.on("resume");
  if (resume && !a.str("config").empty())
    throw cli::UsageError("--resume continues the config stored in the run; --config cannot change it");
  json file = json::object();
  if (!a.str("config").empty()) {
    const std::string path = a.str("config");
    file = parse_json(read_file_text(path, kConfigFile), path);
    if (!file.is_object()) throw file_error(path, "expected {\"model\": {...}, \"train\": {...}}");
    for (auto it = file.begin(); it != file.end(); ++it)
      if (it.key() != "model" && it.key() != "train")
        throw file_error(path, "unknown section '" + it.key() + "' (expected model and train)");
  }
  json mj = ModelConfig{}, tj = TrainConfig{};
  try {
    if (file.contains("model")) mj = file["model"].get<ModelConfig>();
    if (file.contains("train")) tj = file["train"].get<TrainConfig>();
  } catch (const InputError& e) {
    throw file_error(a.str("config"), e.what());
  }
  for (auto* j : {&mj, &tj})
    for (auto& [k, v] : j->items())
      if (a.given(flag_name(k))) set_from_flag(*j, k, a);

  if (resume) {  // the stored config wins; only bookkeeping may change
    const std::string out = tj["out"];
    const auto unit = read_commit(out);
    if (!unit) throw file_error(run_checkpoint_path(out), "nothing to resume: no checkpoint in the run directory");
    Checkpoint ck = load_checkpoint(unit->model_path);
    // A flag that repeats the stored value is fine (the first command line run again with --resume).
    const json stored_model = ck.model;
    for (auto* j : {&mj, &tj}) {
      const json& was = j == &mj ? stored_model : ck.train;
      for (auto& [k, v] : j->items())
        if (a.given(flag_name(k)) && !kResumable.count(k) && k != "out" && !(was.contains(k) && was[k] == v))
          throw cli::UsageError("--resume continues the stored config; only --steps, --eval-every, --ckpt-every, "
                                "--log-every, --threads, --device and --grad-accum may change (not --" + flag_name(k) +
                                ", stored " + (was.contains(k) ? was[k].dump() : std::string("unset")) + ")");
    }
    json stored = ck.train;
    for (const auto& k : kResumable)
      if (a.given(flag_name(k))) stored[k] = tj[k];
    stored["out"] = out;
    mj = ck.model;
    tj = stored;
  }
  ModelConfig mc = mj.get<ModelConfig>();
  TrainConfig tc;
  try {
    tc = tj.get<TrainConfig>();
  } catch (const InputError& e) {
    throw InputError(resume ? run_checkpoint_path(tj["out"]) + ": stored " + e.what() : e.what());
  }
  // A batch that cannot fit is refused here, in one line, not after gigabytes are allocated.
  mc.validate();
  tc.validate();
  // The split is checked here, once, before any rank starts (and again by each rank's train()).
  const int world = nproc > 1 ? int(nproc) : launch.env.world_size;
  TrainConfig per_rank = tc;  // a rank holds the activations of one micro-batch
  per_rank.batch = micro_batch(tc, world);
  if (tc.device == "cpu" || (tc.device == "auto" && !torch::cuda::is_available()))
    check_train_fits(mc, per_rank, physical_memory_bytes(), nproc > 1 ? int(nproc) : launch.env.local_world_size);
  if (nproc > 1) {
    if (launch.env.world_size > 1)
      throw cli::UsageError("--nproc starts its own ranks; under torchrun or srun (RANK and WORLD_SIZE set) leave it out");
    std::vector<std::string> pass;  // the same command line for every rank, minus --nproc
    for (const auto& [name, value] : a.values) {
      if (!a.given(name) || name == "nproc") continue;
      pass.push_back("--" + name);
      if (name != "resume") pass.push_back(value);
    }
    return launch_ranks(int(nproc), pass, launch.timeout);
  }
  const char* launcher = std::getenv("WFC_LAUNCHER_PID");  // set in the ranks of --nproc
  if (launcher) {  // a rank of --nproc dies with its launcher
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (std::to_string(::getppid()) != launcher) return 1;  // the launcher was gone before prctl
  }
  const bool tty = isatty(fileno(stderr));
  bool bar_open = false;
  auto end_bar = [&] {
    if (bar_open) std::cerr << "\n";
    bar_open = false;
  };
  auto cb = [&](const TrainEvent& e) {
    if (e.kind == "message") {
      end_bar();
      std::cerr << e.text << "\n";
    } else if (e.kind == "started") {
      g_training = 1;  // from here a signal finishes the step and saves
    } else if (e.kind == "config") {
      std::cerr << (resume ? "resuming at step " + std::to_string(e.step) + " with" : "training with")
                << " the effective config:\n" << e.data.dump(2) << "\n";
    } else if (e.kind == "log") {
      std::ostringstream l;
      l << "step " << e.step << "/" << e.steps << "  " << train_loss_text(e.data)
        << "  lr " << std::scientific << std::setprecision(2) << e.data["lr"].get<double>() << std::fixed
        << "  " << std::setprecision(0) << e.tokens_per_s << " tok/s  ETA " << fmt_duration(e.eta_s);
      if (tty) {
        const int width = 24, filled = int(width * double(e.step) / double(e.steps));
        std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << l.str()
                  << std::flush;
        bar_open = true;
      } else {
        std::cerr << l.str() << "\n";
      }
    } else if (e.kind == "eval") {
      end_bar();
      const auto& d = e.data;
      std::cerr << std::fixed << std::setprecision(3) << "eval @ " << e.step << ": first-future NLL "
                << d["first_future_nll"].get<double>() << ", val loss " << d["val_loss"].get<double>();
      if (d["objective"] == "wfc") {
        const auto& ent = d["entropy_by_distance"];
        std::cerr << ", entropy d1 " << ent.front().get<double>() << " -> d" << ent.size() << " "
                  << ent.back().get<double>() << " (rank corr " << d["entropy_rank_corr"].get<double>()
                  << "), iterations " << std::setprecision(1) << d["mean_iters"].get<double>() << ", early exits "
                  << std::setprecision(0) << 100 * d["early_exit_share"].get<double>() << "%";
      }
      std::cerr << "\n";
    } else if (e.kind == "checkpoint") {
      if (!tty) std::cerr << "checkpoint: " << e.text << " (step " << e.step << ")\n";
    } else if (e.kind == "done") {
      end_bar();
      std::cerr << "done: " << e.text << " (step " << e.step << ")\n";
    } else if (e.kind == "stopped") {
      end_bar();
      std::cerr << "stopped by " << (g_stop_signal == SIGTERM ? "SIGTERM" : "SIGINT") << " after step " << e.step
                << ": saved " << e.text << " (step " << e.step << "); continue with: wfc train --out " << tc.out
                << " --resume\n";
    }
  };
  try {
    train(mc, tc, resume, cb, &g_stop_signal, launch);
  } catch (const DistError& e) {  // not an internal error: a peer or the network failed
    end_bar();
    std::cerr << "wfc train: " << e.what() << "\n";
    return 1;
  } catch (const InputError&) {
    end_bar();
    // Ranks of --nproc read the same input, so they fail alike: rank 0 speaks, and the launcher
    // ends the others as soon as one exits for bad input. A rank alone in its failure still speaks.
    if (launcher && launch.env.rank != 0) std::this_thread::sleep_for(std::chrono::seconds(2));
    throw;
  } catch (...) {
    end_bar();
    throw;
  }
  return g_stop_signal != 0 ? 128 + int(g_stop_signal) : 0;
}

cli::Command train_command() {
  cli::Command c;
  c.name = "train";
  c.usage = "wfc train [options]";
  c.summary = "train a tokenizer, a WFC model or its autoregressive baseline, headless";
  c.flags = {{"config", "", "JSON file {\"model\": {...}, \"train\": {...}}; flags override it", false, "FILE"},
             {"resume", "", "continue exactly from OUT/ckpt.safetensors and its optimizer state", true},
             {"nproc", "1", "start N local ranks (data parallel); torchrun/srun set RANK, WORLD_SIZE instead", false, "N"},
             {"dist-timeout", "180", "seconds a rank waits for the others (joining, each collective)", false, "S"}};
  for (const json& defaults : {json(ModelConfig{}), json(TrainConfig{})})
    for (const auto& [k, v] : defaults.items()) {
      auto it = field_help().find(k);
      const std::string help = it == field_help().end() ? k : it->second;
      c.flags.push_back({flag_name(k), json_text(v), help, false,
                         v.is_string() ? "S" : v.is_boolean() ? "BOOL" : v.is_number_float() ? "X" : "N"});
    }
  c.run = run_train;
  return c;
}

}  // namespace wfc::app
