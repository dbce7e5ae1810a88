#include "app/lab_worker.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "app/commands.h"
#include "model/checkpoint.h"
#include "model/engine.h"
#include "model/errors.h"
#include "model/policies.h"
#include "model/tokenizer.h"
#include "app/session_script.h"

namespace wfc::app {

using viz::CmdKind;
using viz::HistoryNode;
using viz::LabCommand;
using viz::LabSnapshot;
using viz::TimelineRow;
using Clock = std::chrono::steady_clock;

constexpr size_t kTimelineCap = 4096;  // iterations the spacetime view keeps

// Everything the worker thread owns. Only run() touches it.
struct Session {
  // The checkpoint.
  std::string path;
  std::vector<std::pair<std::string, std::string>> info;
  std::vector<std::string> masks;
  std::string objective;
  std::string checkpoint_mask;
  Network net{nullptr};
  std::unique_ptr<Tokenizer> tok;
  std::shared_ptr<const std::vector<std::string>> vocab;
  std::unique_ptr<Engine> engine;
  torch::Device device = torch::kCPU;
  int threads = 1;
  viz::LabSettings settings;
  std::unique_ptr<Policy> policy;
  std::string prompt;

  // What the views show of the window, saved whole with every history node.
  struct View {
    int64_t offset = 0;                  // tokens slid out of the window
    StepReport cur;                      // the last iteration (or the state after an action)
    std::vector<float> ghost;            // entropy before the last collapse
    int64_t ghost_offset = 0;
    int ghost_n_past = 0;
    int64_t last_collapse = -1;          // absolute position
    std::vector<std::shared_ptr<const TimelineRow>> timeline;
  };
  View view;
  std::vector<int> converge_iters;
  std::vector<double> converge_ms;
  TimelineRow::Event pending_event = TimelineRow::None;
  int64_t pending_event_pos = -1;

  // History: a tree of moments. A node's state is the state when it was left (its last moment).
  struct Node {
    HistoryNode pub;
    EngineState state;
    View view;
    size_t n_converge = 0;
    std::vector<std::string> lines;  // the action as session-script lines (concrete tokens)
    int64_t iter_at_action = 0;      // engine iteration right after the action
    int64_t iter_left = 0;           // engine iteration when the node was last left
  };
  std::vector<Node> nodes;
  int current = -1;
  std::shared_ptr<const std::vector<HistoryNode>> history_pub;

  // Activity.
  bool converging = false;
  int conv_count = 0;
  Clock::time_point conv_t0;
  uint64_t conv_id = 0;
  bool playing = false;
  uint64_t done_id = 0;
  std::string error;
  uint64_t error_seq = 0;

  std::string text(int id) const { return vocab && id >= 0 && id < int(vocab->size()) ? (*vocab)[id] : "?"; }
};

static std::string display_piece(const std::string& p) {
  // sentencepiece marks a word start with U+2581; show it as the space it stands for.
  std::string out;
  for (size_t i = 0; i < p.size();) {
    if (p.compare(i, 3, "\xE2\x96\x81") == 0) {
      out += ' ';
      i += 3;
    } else {
      out += p[i++];
    }
  }
  return out;
}

static std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

LabWorker::LabWorker(LabWorkerOptions opt) : opt_(std::move(opt)) {
  auto s = std::make_shared<LabSnapshot>();
  s->settings = opt_.settings;
  s->busy = true;
  snap_ = s;
  LabCommand load;
  load.kind = CmdKind::Load;
  load.text = opt_.checkpoint;
  send(load);
  thread_ = std::thread([this] { run(); });
}

LabWorker::~LabWorker() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t LabWorker::send(LabCommand c) {
  std::lock_guard<std::mutex> l(mu_);
  c.id = next_id_++;
  queue_.push_back(std::move(c));
  cv_.notify_all();
  return queue_.back().id;
}

std::shared_ptr<const LabSnapshot> LabWorker::snapshot() {
  std::lock_guard<std::mutex> l(mu_);
  return snap_;
}

namespace {

// Session operations, run on the worker thread.
struct Ops {
  Session& s;
  size_t max_states;
  bool auto_converge = true;

  EngineConfig engine_config() const {
    EngineConfig e;
    e.future = s.settings.future;
    e.max_iters = s.settings.max_iters;
    e.tol = s.settings.tol;
    e.temperature = s.settings.temperature;
    e.seed = s.settings.seed;
    e.pin_past = s.settings.pin_past;
    e.mask = s.settings.mask;
    e.threads = s.threads;
    return e;
  }

  void apply_settings(const viz::LabSettings& st) {
    if (!(st.tol > 0)) throw InputError("settings: tolerance must be > 0");
    if (st.max_iters < 1) throw InputError("settings: max iterations must be at least 1");
    if (!(st.temperature > 0)) throw InputError("settings: temperature must be > 0");
    if (st.future < 1) throw InputError("settings: future must be at least 1");
    if (!st.mask.empty() && std::find(s.masks.begin(), s.masks.end(), st.mask) == s.masks.end())
      throw InputError("settings: this checkpoint does not run with the '" + st.mask + "' mask");
    PolicyParams pp;
    pp.threshold = st.threshold;
    pp.budget = st.budget;
    pp.alpha = st.policy_alpha;
    auto pol = make_policy(st.policy, pp);
    s.settings = st;
    s.policy = std::move(pol);
    if (s.engine) {
      auto& c = s.engine->config();
      c.max_iters = st.max_iters;
      c.tol = st.tol;
      c.temperature = st.temperature;
      c.pin_past = st.pin_past;
      c.mask = st.mask;
    }
  }

  void load(const std::string& path) {
    Checkpoint ck = load_checkpoint(path);  // throws InputError naming the file
    auto tok = std::make_unique<Tokenizer>(Tokenizer::from_bytes(ck.tokenizer));
    Network net = build_network(ck);
    auto vocab = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < tok->vocab_size(); ++i) vocab->push_back(display_piece(tok->piece(i)));
    int64_t params = 0;
    for (const auto& [n, t] : ck.params) params += t.numel();
    const auto& m = ck.model;
    s.path = path;
    s.objective = ck.objective;
    s.checkpoint_mask = m.mask;
    s.info = {{"checkpoint", path},
              {"objective", ck.objective},
              {"model", std::to_string(m.n_layer) + " layers x " + std::to_string(m.n_embd) + ", " +
                            std::to_string(m.n_head) + " heads"},
              {"window", std::to_string(m.block_size) + " rows, vocab " + std::to_string(m.vocab_size)},
              {"mask", m.mask + ", read-out " + m.readout},
              {"parameters", fmt("%.2f M", double(params) / 1e6)},
              {"trained", std::to_string(ck.step) + " steps, " + fmt("%.1f M tokens", double(ck.tokens_seen) / 1e6)}};
    // The AR baseline only knows the causal mask; a WFC model also runs causal or bounded.
    if (ck.objective == "ar") s.masks = {"causal"};
    else s.masks = {"block", "held", "causal", "lookahead", "none"};
    if (!s.settings.mask.empty() && std::find(s.masks.begin(), s.masks.end(), s.settings.mask) == s.masks.end())
      s.settings.mask.clear();
    s.net = net;
    s.tok = std::move(tok);
    s.vocab = vocab;
    s.engine.reset();
    s.nodes.clear();
    s.current = -1;
    reset(s.prompt, "open " + path);
  }

  void publish_history() {
    auto h = std::make_shared<std::vector<HistoryNode>>();
    for (const auto& n : s.nodes) h->push_back(n.pub);
    s.history_pub = h;
  }

  // Saves the moment into the current node (its state when left).
  void save_current() {
    if (s.current < 0 || !s.engine) return;
    auto& n = s.nodes[s.current];
    n.state = s.engine->save_state();
    n.pub.restorable = true;
    n.view = s.view;
    n.n_converge = s.converge_iters.size();
    n.iter_left = s.engine->iteration();
  }

  void line(const std::string& l) {
    if (s.current >= 0) s.nodes[s.current].lines.push_back(l);
  }
  void mark_action_done() {
    if (s.current >= 0 && s.engine) s.nodes[s.current].iter_at_action = s.engine->iteration();
  }

  void drop_old_states() {
    size_t kept = 0;
    for (const auto& n : s.nodes) kept += n.pub.restorable;
    for (auto& n : s.nodes) {
      if (kept <= max_states) break;
      if (n.pub.restorable && n.pub.id != s.current) {
        n.state = EngineState();
        n.view.timeline.clear();
        n.pub.restorable = false;
        --kept;
      }
    }
  }

  // Every action that changes the window starts a new node (a branch when taken mid-history).
  void begin_action(const std::string& label) {
    save_current();
    Session::Node n;
    n.pub.id = int(s.nodes.size());
    n.pub.parent = s.current;
    n.pub.label = label;
    n.pub.iteration = s.engine ? s.view.cur.iteration : 0;
    n.iter_at_action = n.iter_left = s.engine ? s.engine->iteration() : 0;
    s.nodes.push_back(std::move(n));
    s.current = int(s.nodes.size()) - 1;
    drop_old_states();
    publish_history();
  }

  void start_converge(uint64_t id, bool forced = false) {
    mark_action_done();
    if (!auto_converge && !forced) {
      s.done_id = id;
      return;
    }
    s.converging = true;
    s.conv_count = 0;
    s.conv_t0 = Clock::now();
    s.conv_id = id;
  }

  void take_ghost() {
    s.view.ghost = s.view.cur.entropy;
    s.view.ghost_offset = s.view.offset;
    s.view.ghost_n_past = s.view.cur.n_past;
  }

  void reset(const std::string& prompt, const std::string& label) {
    begin_action(label);
    s.prompt = prompt;
    s.engine = std::make_unique<Engine>(s.net, engine_config(), s.device);
    std::vector<int> ids = s.tok->encode(prompt);
    if (ids.empty()) ids.push_back(1);  // <s>: an empty prompt still needs one past row
    s.engine->reset(ids);
    s.view.offset = 0;
    s.view.cur = s.engine->snapshot();
    s.view.ghost.clear();
    s.view.last_collapse = -1;
    s.view.timeline.clear();
    s.converge_iters.clear();
    s.converge_ms.clear();
    s.pending_event = TimelineRow::Reset;
    s.pending_event_pos = 0;
    line("future " + std::to_string(s.settings.future));
    line("seed " + std::to_string(s.settings.seed));
    line("mask " + (s.settings.mask.empty() ? std::string("checkpoint") : s.settings.mask));
    line(std::string("drift ") + (s.settings.pin_past ? "off" : "on"));
    line("prompt " + prompt);
  }

  std::string quoted(int tok) const { return "'" + s.text(tok) + "'"; }

  void collapse(int pos, int pick, int token) {
    const int64_t abs = s.view.offset + pos;
    take_ghost();
    const Pick how = pick == 1 ? Pick::Sample : pick == 2 ? Pick::Token : Pick::Argmax;
    const int t = s.engine->collapse(pos, how, token);
    s.view.last_collapse = abs;
    s.pending_event = TimelineRow::Collapse;
    s.pending_event_pos = abs;
    line("collapse " + std::to_string(abs) + " full " + std::to_string(t));
  }

  int mint_one() {
    const bool full = s.engine->length() == s.net->cfg.block_size;
    const int64_t abs = s.view.offset + s.engine->n_past();
    const int t = s.engine->mint();
    line("mint");
    if (full) ++s.view.offset;
    s.pending_event = TimelineRow::Mint;
    s.pending_event_pos = abs;
    return t;
  }

  void partial(int pos, float alpha, int hold, int token) {
    s.engine->collapse_partial(pos, alpha, hold, token);
    // The token the blend went toward, so a replay blends toward the same one.
    const int t = token >= 0 ? token : s.engine->snapshot().argmax[pos];
    viz::ScriptAction a;
    a.kind = viz::ScriptAction::Collapse;
    a.n = s.view.offset + pos;
    a.mode = "partial";
    a.alpha = alpha;
    a.token = t;
    a.hold = hold;
    line(viz::format_action(a));
  }

  // The policy's choice applied; returns a label for history.
  std::string collapse_next() {
    const auto choices = s.policy->choose(s.view.cur.entropy, s.view.cur.status, s.view.cur.n_past);
    if (choices.empty()) throw InputError("collapse next: no future row left to collapse");
    take_ghost();
    std::string label;
    for (const auto& c : choices) {
      if (c.partial) {
        partial(c.pos, c.alpha, 0, -1);
      } else {
        const int t = s.engine->collapse(c.pos, s.settings.sample ? Pick::Sample : Pick::Argmax);
        line("collapse " + std::to_string(s.view.offset + c.pos) + " full " + std::to_string(t));
      }
      s.view.last_collapse = s.view.offset + c.pos;
      s.pending_event = TimelineRow::Collapse;
      s.pending_event_pos = s.view.last_collapse;
    }
    if (choices.size() == 1) {
      const auto& c = choices[0];
      label = (c.partial ? "partial " : "collapse ") + std::to_string(s.view.offset + c.pos) + " " +
              quoted(s.engine->snapshot().argmax[c.pos]);
    } else {
      label = "collapse " + std::to_string(choices.size()) + " rows";
    }
    return label + " (" + s.settings.policy + ")";
  }

  void handle(const LabCommand& c) {
    auto& st = s;
    const bool ready = bool(st.engine);
    if (c.kind != CmdKind::Load && c.kind != CmdKind::Settings && c.kind != CmdKind::Pause && !ready)
      throw InputError("no checkpoint is open");
    switch (c.kind) {
      case CmdKind::Load:
        st.converging = st.playing = false;
        load(c.text);
        start_converge(c.id);
        break;
      case CmdKind::Reset:
        st.playing = false;
        reset(c.text, c.text.empty() ? "reset (empty prompt)" : "reset: " + c.text.substr(0, 40));
        start_converge(c.id);
        break;
      case CmdKind::Step: {
        st.playing = st.converging = false;
        if (st.current < 0 || st.nodes[st.current].pub.label.rfind("step", 0) != 0 || has_children(st.current))
          begin_action("step");
        iterate();
        st.done_id = c.id;
        break;
      }
      case CmdKind::Converge:
        st.playing = false;
        begin_action("converge");
        start_converge(c.id, true);
        break;
      case CmdKind::Play:
        st.playing = true;
        break;
      case CmdKind::Pause:
        st.playing = false;
        st.converging = false;
        break;
      case CmdKind::CollapseNext: {
        st.playing = false;
        begin_action("next");
        st.nodes[st.current].pub.label = collapse_next();
        publish_history();
        start_converge(c.id);
        break;
      }
      case CmdKind::Collapse: {
        st.playing = false;
        check_pos(c.pos);
        const int t = c.pick == 2 ? c.token : -1;
        begin_action("collapse " + std::to_string(st.view.offset + c.pos) +
                     (c.pick == 1 ? " (sample)" : c.pick == 2 ? " -> " + quoted(t) : " (arg-max)"));
        collapse(c.pos, c.pick, c.token);
        st.nodes[st.current].pub.label += " = " + quoted(st.engine->snapshot().argmax[c.pos]);
        publish_history();
        start_converge(c.id);
        break;
      }
      case CmdKind::CollapsePartial: {
        st.playing = false;
        check_pos(c.pos);
        std::string label = "partial " + std::to_string(st.view.offset + c.pos) + fmt(" a=%.2f", c.alpha);
        label += c.hold > 0 ? " hold " + std::to_string(c.hold) : " held";
        if (c.token >= 0) label += " -> " + quoted(c.token);
        begin_action(label);
        take_ghost();
        partial(c.pos, c.alpha, c.hold, c.token);
        st.view.last_collapse = st.view.offset + c.pos;
        st.pending_event = TimelineRow::Collapse;
        st.pending_event_pos = st.view.last_collapse;
        start_converge(c.id);
        break;
      }
      case CmdKind::Pin:
        check_pos(c.pos);
        begin_action("pin " + std::to_string(st.view.offset + c.pos));
        st.engine->pin(c.pos);
        line("pin " + std::to_string(st.view.offset + c.pos));
        mark_action_done();
        st.view.cur = st.engine->snapshot();
        st.done_id = c.id;
        break;
      case CmdKind::Release:
        check_pos(c.pos);
        begin_action("release " + std::to_string(st.view.offset + c.pos));
        st.engine->release(c.pos);
        line("release " + std::to_string(st.view.offset + c.pos));
        start_converge(c.id);
        break;
      case CmdKind::Mint: {
        st.playing = false;
        const int first = st.engine->n_past();
        if (first >= st.engine->length()) throw InputError("mint: there is no future row");
        begin_action("mint " + std::to_string(st.view.offset + first));
        if (st.engine->status()[first] != RowStatus::Collapsed) collapse(first, 0, -1);
        const int t = mint_one();
        st.nodes[st.current].pub.label += " " + quoted(t);
        publish_history();
        start_converge(c.id);
        break;
      }
      case CmdKind::Goto: {
        if (c.node < 0 || c.node >= int(st.nodes.size())) throw InputError("history: no such step");
        if (!st.nodes[c.node].pub.restorable) throw InputError("history: that step is too old to restore");
        st.playing = st.converging = false;
        save_current();
        const auto& n = st.nodes[c.node];
        st.engine->restore_state(n.state);
        st.current = c.node;
        st.view = n.view;
        st.converge_iters.resize(std::min(st.converge_iters.size(), n.n_converge));
        st.converge_ms.resize(st.converge_iters.size());
        st.done_id = c.id;
        publish_history();
        break;
      }
      case CmdKind::Settings: {
        const auto before = st.settings;
        apply_settings(c.settings);  // the seed and the future length take effect on the next reset
        // What changes the iterations goes into the script, so a replay runs the same way.
        if (before.mask != st.settings.mask) line("mask " + (st.settings.mask.empty() ? std::string("checkpoint") : st.settings.mask));
        if (before.pin_past != st.settings.pin_past) line(std::string("drift ") + (st.settings.pin_past ? "off" : "on"));
        st.done_id = c.id;
        break;
      }
    }
  }

  bool has_children(int id) const {
    for (const auto& n : s.nodes)
      if (n.pub.parent == id) return true;
    return false;
  }

  void check_pos(int pos) const {
    if (pos < s.engine->n_past() || pos >= s.engine->length())
      throw InputError("position " + std::to_string(s.view.offset + pos) + " is not in the future");
  }

  void iterate() {
    StepReport r = s.engine->step();
    auto row = std::make_shared<TimelineRow>();
    row->iteration = r.iteration;
    row->offset = s.view.offset;
    row->n_past = r.n_past;
    row->entropy = r.entropy;
    row->max_update = r.max_update;
    row->max_kl = r.max_kl;
    row->event = s.pending_event;
    row->event_pos = s.pending_event_pos;
    s.pending_event = TimelineRow::None;
    s.pending_event_pos = -1;
    s.view.timeline.push_back(row);
    if (s.view.timeline.size() > kTimelineCap) s.view.timeline.erase(s.view.timeline.begin(), s.view.timeline.begin() + (s.view.timeline.size() - kTimelineCap));
    s.view.cur = std::move(r);
  }

  // One unit of background work: an iteration of a re-convergence, or a round of play.
  void work() {
    if (s.converging) {
      iterate();
      ++s.conv_count;
      if (s.view.cur.converged || s.conv_count >= s.settings.max_iters) {
        s.converging = false;
        s.converge_iters.push_back(s.conv_count);
        s.converge_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s.conv_t0).count());
        s.done_id = s.conv_id;
      }
      return;
    }
    if (s.playing) {
      // A round: collapse by the policy, mint every leading collapsed row, re-converge.
      begin_action("play");  // the parent keeps the pre-round moment
      const auto choices = s.policy->choose(s.view.cur.entropy, s.view.cur.status, s.view.cur.n_past);
      std::string label = "play: ";
      if (!choices.empty()) {
        label += collapse_next();
      } else if (s.view.cur.n_past < s.view.cur.length) {
        collapse(s.view.cur.n_past, s.settings.sample ? 1 : 0, -1);
        label += "collapse first";
      }
      int minted = 0;
      while (s.engine->n_past() < s.engine->length() &&
             s.engine->status()[s.engine->n_past()] == RowStatus::Collapsed) {
        mint_one();
        ++minted;
      }
      if (minted) label += ", mint " + std::to_string(minted);
      s.nodes[s.current].pub.label = label;
      publish_history();
      s.view.cur = s.engine->snapshot();
      start_converge(0);
    }
  }
};

}  // namespace

struct LabSession::Impl {
  Session s;
  Ops ops{s, 0};
  uint64_t version = 0;
};

LabSession::LabSession(const LabWorkerOptions& opt, bool auto_converge) : impl_(std::make_unique<Impl>()) {
  auto& s = impl_->s;
  s.settings = opt.settings;
  s.prompt = opt.prompt;
  s.threads = opt.threads;
  impl_->ops.max_states = opt.max_states;
  impl_->ops.auto_converge = auto_converge;
  s.device = pick_device(opt.device);
  impl_->ops.apply_settings(s.settings);
}

LabSession::~LabSession() = default;

void LabSession::handle(const LabCommand& c) {
  auto& s = impl_->s;
  try {
    impl_->ops.handle(c);
  } catch (...) {
    s.done_id = c.id;
    throw;
  }
  if (c.kind == CmdKind::Load) s.error.clear();  // a checkpoint that opened ends the last error's story
  // Show an action's effect at once, before its first iteration.
  const bool changed = c.kind != CmdKind::Settings && c.kind != CmdKind::Pause && c.kind != CmdKind::Play &&
                       c.kind != CmdKind::Goto && c.kind != CmdKind::Step;
  if (s.engine && (changed || s.view.cur.length == 0)) s.view.cur = s.engine->snapshot();
}

bool LabSession::active() const { return impl_->s.converging || impl_->s.playing; }

void LabSession::work() {
  try {
    impl_->ops.work();
  } catch (...) {
    impl_->s.converging = impl_->s.playing = false;
    throw;
  }
}

void LabSession::note_error(const std::string& msg) {
  impl_->s.error = msg;
  ++impl_->s.error_seq;
}

std::shared_ptr<LabSnapshot> LabSession::snapshot() {
  const auto& s = impl_->s;
  auto p = std::make_shared<LabSnapshot>();
  p->version = ++impl_->version;
  p->loaded = bool(s.engine);
  p->checkpoint = s.path;
  p->info = s.info;
  p->masks = s.masks;
  p->checkpoint_mask = s.checkpoint_mask;
  p->policies = policy_names();
  p->vocab = s.vocab;
  p->log_vocab = s.vocab ? std::log(double(s.vocab->size())) : 0;
  const auto& v = s.view;
  p->cur = v.cur;
  p->offset = v.offset;
  p->ghost = v.ghost;
  p->ghost_offset = v.ghost_offset;
  p->ghost_n_past = v.ghost_n_past;
  p->last_collapse = v.last_collapse;
  if (s.engine) p->past_tokens = s.engine->past_tokens();
  p->timeline = v.timeline;
  p->converge_iters = s.converge_iters;
  p->converge_ms = s.converge_ms;
  p->history = s.history_pub;
  p->current = s.current;
  p->settings = s.settings;
  p->playing = s.playing;
  p->busy = s.converging || s.playing;
  p->done_id = s.done_id;
  p->iter_ms = s.view.cur.ms;
  p->error = s.error;
  p->error_seq = s.error_seq;
  return p;
}

std::string LabSession::script() const {
  const auto& s = impl_->s;
  std::vector<int> path;
  for (int n = s.current; n >= 0; n = s.nodes[n].pub.parent) path.push_back(n);
  std::string out = "# wfc session script, saved by the lab from checkpoint " + s.path + "\n";
  out += "# Replay: wfc export --checkpoint CHECKPOINT --script THIS --out DIR\n";
  out += "title " + s.path.substr(s.path.find_last_of('/') + 1) + "\n";
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    const auto& n = s.nodes[*it];
    out += "# " + n.pub.label + "\n";
    for (const auto& l : n.lines) out += l + "\n";
    const int64_t left = *it == s.current && s.engine ? s.engine->iteration() : n.iter_left;
    if (left > n.iter_at_action) out += "step " + std::to_string(left - n.iter_at_action) + "\n";
    out += "frame\n";  // one frame per history step
  }
  return out;
}

std::string LabWorker::script() {
  LabCommand c;
  c.kind = CmdKind::Pause;
  c.text = "\x01script";  // asks the worker thread for the script (it owns the session)
  const uint64_t id = send(c);
  for (;;) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (script_done_ >= id) return script_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void LabWorker::run() {
  std::unique_ptr<LabSession> session;
  try {
    session = std::make_unique<LabSession>(opt_, true);
  } catch (const std::exception& e) {
    auto p = std::make_shared<LabSnapshot>();
    p->error = e.what();
    p->error_seq = 1;
    std::lock_guard<std::mutex> l(mu_);
    snap_ = p;
    return;
  }
  auto publish = [&] {
    auto p = session->snapshot();
    std::lock_guard<std::mutex> l(mu_);
    snap_ = p;
  };
  for (;;) {
    LabCommand c;
    bool got = false;
    {
      std::unique_lock<std::mutex> l(mu_);
      if (queue_.empty() && !session->active()) cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      if (!queue_.empty()) {
        c = std::move(queue_.front());
        queue_.pop_front();
        got = true;
      }
    }
    if (got) {
      if (c.kind == CmdKind::Pause && c.text == "\x01script") {
        std::string sc = session->script();
        std::lock_guard<std::mutex> l(mu_);
        script_ = std::move(sc);
        script_done_ = c.id;
      } else {
        try {
          session->handle(c);
        } catch (const std::exception& e) {
          session->note_error(e.what());  // errors go to the UI; the session stays as it was
        }
      }
      publish();
      continue;
    }
    try {
      session->work();
    } catch (const std::exception& e) {
      session->note_error(e.what());
    }
    publish();
    const int delay = snap_ ? snap_->settings.delay_ms : 0;
    if (delay > 0 && session->active()) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(delay), [&] { return stop_ || !queue_.empty(); });
    }
  }
}

}  // namespace wfc::app
