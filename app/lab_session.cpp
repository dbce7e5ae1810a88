#include "app/lab_session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/commands.h"
#include "model/errors.h"
#include "model/generate.h"

namespace wfc::app {
using viz::CmdKind;
using viz::LabCommand;
using viz::ScriptAction;
using Clock = std::chrono::steady_clock;

static std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

static ScriptAction action(ScriptAction::Kind k, int64_t n = 0, const std::string& text = "") {
  ScriptAction a;
  a.kind = k, a.n = n, a.text = text;
  return a;
}

static ScriptAction collapse_action(int64_t pos, bool partial, float alpha, int token, int hold = 0) {
  return ScriptAction{ScriptAction::Collapse, 0, "", pos, partial ? "partial" : "full", partial ? alpha : 1.0f, token, hold};
}

LabSession::LabSession(const LabSessionOptions& opt, Mode mode)
    : opt_(opt), mode_(mode), device_(pick_device(opt.device)), history_(opt.max_states) {
  prompt_ = opt.prompt;
  apply_settings(opt.settings);
}

LabSession::~LabSession() = default;

std::string LabSession::text(int t) const {
  const auto& v = ck_.vocab;
  return "'" + (v && t >= 0 && t < int(v->size()) ? (*v)[t] : std::string("?")) + "'";
}

// ---- settings: the session owns them ---------------------------------------------------------

void LabSession::apply_settings(const viz::LabSettings& st) {
  st.engine.validate();
  if (st.delay_ms < 0) throw InputError("settings: delay must be >= 0");
  const auto& masks = ck_.masks;
  if (!masks.empty() && std::find(masks.begin(), masks.end(), st.engine.mask) == masks.end())
    throw InputError(std::string("settings: this checkpoint does not run with the '") + mask_name(st.engine.mask) + "' mask");
  auto pol = make_policy(st.policy, st.params);
  settings_ = st;
  policy_ = std::move(pol);
  if (engine_) {  // the seed and the future length take effect on the next reset
    auto& c = engine_->config();
    c.max_iters = st.engine.max_iters;
    c.tol = st.engine.tol;
    c.temperature = st.engine.temperature;
    c.sample_top_k = st.engine.sample_top_k;
    c.sample_top_p = st.engine.sample_top_p;
    c.pin_past = st.engine.pin_past;
    c.cache_past = st.engine.cache_past;
    c.mask = st.engine.mask;
  }
}

// Only the fields the UI changed (edited differs from the base it started from) are applied, so
// a UI whose copy is stale (a checkpoint with other masks opened meanwhile) changes nothing else.
void LabSession::change_settings(const viz::LabSettings& edited, const viz::LabSettings& base) {
  viz::LabSettings st = settings_;
  viz::LabSettings::visit([](const char*, const char*, auto& cur, const auto& e, const auto& b) {
    if (!(e == b)) cur = e;
  }, st, edited, base);
  const viz::LabSettings before = settings_;
  apply_settings(st);
  // What changes the iterations goes into the script, so that a replay runs the same way.
  if (history_.current() < 0) return;
  if (before.engine.mask != st.engine.mask) record(action(ScriptAction::Mask, 0, mask_name(st.engine.mask)));
  if (before.engine.pin_past != st.engine.pin_past) record(action(ScriptAction::Drift, !st.engine.pin_past));
}

// ---- history steps and their rollback ---------------------------------------------------------

struct LabSession::Mark {
  int size, current;
  size_t actions;
  LabView view;
  viz::LabSettings settings;
  viz::TimelineRow::Event event;
  int64_t event_pos;
  bool converging, playing;
  Before before;
};

LabSession::Mark LabSession::mark() const {
  const int cur = history_.current();
  return {history_.size(), cur, cur >= 0 ? history_.step(cur).actions.size() : 0, view_, settings_,
          pending_event_, pending_event_pos_, converging_, playing_, before_};
}

void LabSession::rollback(const Mark& m) {
  if (history_.size() > m.size) {
    history_.drop_newest(m.current);
    if (engine_ && m.current >= 0) engine_->restore_state(history_.step(m.current).state);
  }
  if (m.current >= 0 && history_.size() > m.current) history_.step(m.current).actions.resize(m.actions);
  view_ = m.view;
  if (!(settings_ == m.settings)) apply_settings(m.settings);
  pending_event_ = m.event;
  pending_event_pos_ = m.event_pos;
  converging_ = m.converging;
  playing_ = m.playing;
  before_ = m.before;
}

void LabSession::save_current() {
  if (history_.current() < 0 || !engine_) return;
  auto& s = history_.cur();
  s.state = engine_->save_state();
  s.view = view_;
  s.settings = settings_;
  s.iter_left = engine_->iteration();
}

void LabSession::begin(const std::string& label, bool fresh) {
  save_current();
  history_.add(label, engine_ ? view_.cur.iteration : 0, fresh);
  history_.cur().settings = settings_;
}

void LabSession::goto_step(int id) {
  if (id < 0 || id >= history_.size()) throw InputError("history: no such step");
  if (!history_.list()[id].restorable) throw InputError("history: that step is too old to restore");
  save_current();
  const auto& s = history_.step(id);
  engine_->restore_state(s.state);
  apply_settings(s.settings);  // the settings that state was left with
  history_.set_current(id);
  view_ = s.view;
  before_ = {};
  timeline_ = history_.timeline_to(id);
  converges_ = history_.converges_to(id);
  converging_ = playing_ = false;
}

// ---- actions ------------------------------------------------------------------------------------

void LabSession::load(const std::string& path) {
  LabCheckpoint ck = LabCheckpoint::open(path);  // everything that can fail, before the session changes
  ck_ = std::move(ck);
  if (std::find(ck_.masks.begin(), ck_.masks.end(), settings_.engine.mask) == ck_.masks.end())
    settings_.engine.mask = MaskKind::Checkpoint;
  engine_.reset();
  history_.clear();
  reset(prompt_, "open " + path);
}

void LabSession::reset(const std::string& prompt, const std::string& label) {
  std::vector<int> ids = ck_.tok->encode(prompt);
  if (ids.empty()) ids.push_back(1);  // <s>: an empty prompt still needs one past row
  EngineConfig ec = settings_.engine;
  ec.threads = opt_.threads;
  auto engine = std::make_unique<Engine>(ck_.net, ec, device_);
  engine->reset(ids);
  begin(label, /*fresh=*/true);
  prompt_ = prompt;
  engine_ = std::move(engine);
  view_ = LabView();
  before_ = {};
  view_.cur = engine_->snapshot();
  timeline_.clear();
  converges_.clear();
  pending_event_ = viz::TimelineRow::Reset;
  pending_event_pos_ = 0;
  record(action(ScriptAction::Future, settings_.engine.future));
  record(action(ScriptAction::Seed, int64_t(settings_.engine.seed)));
  record(action(ScriptAction::Mask, 0, mask_name(settings_.engine.mask)));
  record(action(ScriptAction::Drift, !settings_.engine.pin_past));
  record(action(ScriptAction::Prompt, 0, prompt));
}

void LabSession::capture_before() {
  before_ = {engine_->probs().clone(), engine_->offset(), engine_->n_past(), -1, {}, false};
}

void LabSession::note_collapse(int64_t pos, bool capture, bool edit) {
  const bool first = pending_event_ != viz::TimelineRow::Collapse && pending_event_ != viz::TimelineRow::Edit;
  if (first) {  // the ghost is the curve before this action
    view_.ghost = view_.cur.entropy;
    view_.ghost_offset = engine_->offset();
    view_.ghost_n_past = view_.cur.n_past;
    if (capture) capture_before();
  }
  if (before_.p.defined() && before_.pos < 0) {
    before_.pos = pos;
    before_.edit = edit;
  } else if (before_.p.defined() && !edit && before_.edit) {
    before_.pos = pos;  // a collapse after edits: What changed names the collapse (as the timeline does)
  }
  before_.edit = before_.edit && edit;  // "past edited" only when every change it measures was an edit
  if (before_.p.defined()) before_.set.push_back(pos);
  if (!edit) view_.last_collapse = pos;  // the plot's accent ring marks collapses, not the past
  // One event per iteration: an edit shows as an edit unless a collapse shares the iteration (the
  // collapse's position then stays the event's).
  const bool collapse_pending = !first && pending_event_ == viz::TimelineRow::Collapse;
  if (!(edit && collapse_pending)) pending_event_pos_ = pos;
  pending_event_ = edit && !collapse_pending ? viz::TimelineRow::Edit : viz::TimelineRow::Collapse;
}

// A full collapse at an absolute position; returns its label. With auto-mint (the lab), a
// collapse of the first future row mints it.
std::string LabSession::collapse_at(int64_t pos, Pick how, int token) {
  const int row = engine_->future_row(pos, "collapse");
  note_collapse(pos);
  const int t = engine_->collapse(row, how, token);
  record(collapse_action(pos, false, 1.0f, t));
  std::string label = "collapse " + std::to_string(pos) + (how == Pick::Sample ? " (sample) " : " ") + text(t);
  if (mode_ == Mode::Lab && settings_.auto_mint && row == engine_->n_past()) label += mint_leading();
  return label;
}

int LabSession::mint() {
  const int64_t pos = engine_->position(engine_->n_past());
  const int t = engine_->mint();
  record(action(ScriptAction::Mint));
  pending_event_ = viz::TimelineRow::Mint;
  pending_event_pos_ = pos;
  return t;
}

std::string LabSession::mint_leading() {
  std::string out;
  while (engine_->n_past() < engine_->length() && engine_->status()[engine_->n_past()] == RowStatus::Collapsed)
    out += (out.empty() ? ", mint " : " ") + text(mint());
  return out;
}

void LabSession::start_converge(uint64_t id, bool forced) {
  history_.cur().iter_at_action = engine_->iteration();
  if (mode_ == Mode::Script && !forced) {
    done_id_ = id;
    return;
  }
  converging_ = true;
  conv_t0_ = Clock::now();
  conv_id_ = id;
}

void LabSession::handle(const LabCommand& c) {
  const Mark m = mark();
  try {
    dispatch(c);
  } catch (...) {
    rollback(m);
    done_id_ = c.id;
    throw;
  }
  history_.drop_old_states();
  // An action that worked ends the last error's story (a settings edit is no answer to it: the
  // controls send one by themselves; a pause changes nothing).
  if (c.kind != CmdKind::Settings && c.kind != CmdKind::Pause) error_.clear();
  if (engine_ && c.kind != CmdKind::Goto && c.kind != CmdKind::Step && c.kind != CmdKind::Settings &&
      c.kind != CmdKind::Play && c.kind != CmdKind::Pause)
    view_.cur = engine_->snapshot();  // an action's effect shows at once, before its first iteration
}

void LabSession::dispatch(const LabCommand& c) {
  if (!engine_ && c.kind != CmdKind::Load && c.kind != CmdKind::Settings && c.kind != CmdKind::Pause)
    throw InputError("no checkpoint is open");
  const bool stops = c.kind != CmdKind::Settings && c.kind != CmdKind::Pin && c.kind != CmdKind::Release &&
                     c.kind != CmdKind::Play;
  if (stops) playing_ = false;
  switch (c.kind) {
    case CmdKind::Load:
      converging_ = false;
      load(c.text);
      start_converge(c.id);
      break;
    case CmdKind::Reset:
      reset(c.text, c.text.empty() ? "reset (empty prompt)" : "reset: " + c.text.substr(0, 40));
      start_converge(c.id);
      break;
    case CmdKind::Step:
      converging_ = false;
      if (history_.label(history_.current()).rfind("step", 0) != 0 || history_.has_children(history_.current()))
        begin("step");
      iterate(false);
      done_id_ = c.id;
      break;
    case CmdKind::Converge:
      begin("converge");
      start_converge(c.id, true);
      break;
    case CmdKind::Play: playing_ = true; break;
    case CmdKind::Pause: converging_ = false; break;
    case CmdKind::CollapseNext: {
      const auto choices = policy_->choose(view_.cur.entropy, view_.cur.status, view_.cur.n_past);
      if (choices.empty()) throw InputError("collapse next: the " + settings_.policy + " policy chooses no row");
      begin("next");
      std::string label;
      for (const auto& ch : choices) {
        const int64_t pos = engine_->position(ch.pos);
        if (ch.partial) {
          note_collapse(pos);
          const int t = engine_->collapse_partial(ch.pos, ch.alpha);
          record(collapse_action(pos, true, ch.alpha, t));
          label = "partial " + std::to_string(pos) + " " + text(t);
        } else {
          label = collapse_at(pos, pick(), -1);
        }
      }
      if (choices.size() > 1) label = "collapse " + std::to_string(choices.size()) + " rows";
      history_.set_label(history_.current(), label + " (" + settings_.policy + ")");
      start_converge(c.id);
      break;
    }
    case CmdKind::Collapse: {
      engine_->future_row(c.pos, "collapse");
      begin("collapse");
      history_.set_label(history_.current(), collapse_at(c.pos, c.pick, c.token));
      start_converge(c.id);
      break;
    }
    case CmdKind::CollapseText: {
      const std::vector<int> ids = ck_.tok->encode(c.text);
      if (ids.empty()) throw InputError("collapse to text: '" + c.text + "' holds no token");
      const int64_t last = c.pos + int64_t(ids.size()) - 1;
      for (int64_t p = c.pos; p <= last; ++p)  // all, before any change
        if (engine_->status()[size_t(engine_->future_row(p, "collapse to text"))] == RowStatus::Collapsed)
          throw InputError("collapse to text: position " + std::to_string(p) + " is already collapsed");
      begin("collapse text");
      std::string label = "collapse " + std::to_string(c.pos) + (last > c.pos ? ".." + std::to_string(last) : "") +
                          " to '" + c.text + "'", minted;
      for (size_t i = 0; i < ids.size(); ++i) {  // each a full collapse to its token (and a mint under auto-mint)
        const std::string one = collapse_at(c.pos + int64_t(i), Pick::Token, ids[i]);
        if (const size_t m = one.find(", mint"); m != std::string::npos) minted += one.substr(m + 6);
      }
      history_.set_label(history_.current(), label + (minted.empty() ? "" : ", mint" + minted));
      start_converge(c.id);
      break;
    }
    case CmdKind::CollapsePartial: {
      const int row = engine_->future_row(c.pos, "partial collapse");
      begin("partial");
      note_collapse(c.pos);
      const int t = engine_->collapse_partial(row, c.alpha, c.hold, c.token);
      record(collapse_action(c.pos, true, c.alpha, t, c.hold));
      history_.set_label(history_.current(), "partial " + std::to_string(c.pos) + fmt(" a=%.2f ", c.alpha) + text(t) +
                                                 (c.hold > 0 ? " hold " + std::to_string(c.hold) : " held"));
      start_converge(c.id);
      break;
    }
    case CmdKind::Pin:
    case CmdKind::Release: {
      const bool pin = c.kind == CmdKind::Pin;
      const int row = engine_->future_row(c.pos, pin ? "pin" : "release");
      begin((pin ? "pin " : "release ") + std::to_string(c.pos));
      pin ? engine_->pin(row) : engine_->release(row);
      record(action(pin ? ScriptAction::Pin : ScriptAction::Release, c.pos));
      start_converge(c.id);  // the rest of the window re-converges around the pinned row
      break;
    }
    case CmdKind::Mint: {
      const int64_t first = engine_->position(engine_->n_past());
      if (engine_->n_past() >= engine_->length()) throw InputError("mint: there is no future row");
      begin("mint " + std::to_string(first));
      if (engine_->status()[engine_->n_past()] != RowStatus::Collapsed) {
        note_collapse(first);
        record(collapse_action(first, false, 1.0f, engine_->collapse(engine_->n_past(), Pick::Argmax)));
      }
      history_.set_label(history_.current(), "mint " + std::to_string(first) + " " + text(mint()));
      start_converge(c.id);
      break;
    }
    case CmdKind::EditPast: {
      // A counterfactual past: the rows take the new tokens, the future re-converges from where it
      // is, and What changed measures the response like a collapse's.
      const std::vector<int> ids = c.token >= 0 ? std::vector<int>{c.token} : ck_.tok->encode(c.text);
      if (ids.empty()) throw InputError("edit: '" + c.text + "' holds no token");
      const int64_t first = engine_->position(0), end = engine_->position(engine_->n_past());  // the window's past
      if (c.pos >= first && c.pos < end && c.pos + int64_t(ids.size()) > end)
        throw InputError("edit: '" + c.text.substr(0, 40) + "' is " + std::to_string(ids.size()) + " tokens, but the past holds " +
                         std::to_string(end - c.pos) + " from position " + std::to_string(c.pos) + " (positions " +
                         std::to_string(first) + ".." + std::to_string(end - 1) + ")");
      for (size_t i = 0; i < ids.size(); ++i) {  // all, before any change
        engine_->past_row(c.pos + int64_t(i), "edit");
        if (ids[i] >= engine_->vocab())
          throw InputError("edit: token " + std::to_string(ids[i]) + " is outside the vocabulary");
      }
      begin("edit");
      std::string was, now;
      for (size_t i = 0; i < ids.size(); ++i) {
        const int64_t pos = c.pos + int64_t(i);
        note_collapse(pos, /*capture=*/true, /*edit=*/true);
        was += (i ? " " : "") + text(engine_->edit_past(engine_->past_row(pos, "edit"), ids[i]));
        now += (i ? " " : "") + text(ids[i]);
        ScriptAction a = action(ScriptAction::Edit, pos);
        a.token = ids[i];
        record(a);
      }
      const int64_t last = c.pos + int64_t(ids.size()) - 1;
      history_.set_label(history_.current(), "edit " + std::to_string(c.pos) +
                                                 (last > c.pos ? ".." + std::to_string(last) : "") + " " + was + " -> " + now);
      start_converge(c.id);
      break;
    }
    case CmdKind::Goto:
      goto_step(c.node);
      done_id_ = c.id;
      break;
    case CmdKind::Settings:
      change_settings(c.settings, c.base);
      done_id_ = c.id;
      break;
    case CmdKind::Compare:
      throw InputError("compare: the lab's worker runs comparisons, not a session");
  }
}

// ---- iterations -----------------------------------------------------------------------------

void LabSession::iterate(bool converge) {
  StepReport r = converge ? engine_->converge_step() : engine_->step();
  viz::TimelineRow tr{r.iteration, engine_->offset(), r.n_past, r.entropy, r.max_update, r.max_kl, pending_event_,
                      pending_event_pos_};
  tr.k = r.k;  // the future rows' top-k, for row evolution
  const size_t from = size_t(r.n_past) * size_t(r.k);
  tr.topk_ids.assign(r.topk_ids.begin() + std::ptrdiff_t(from), r.topk_ids.end());
  tr.topk_probs.assign(r.topk_probs.begin() + std::ptrdiff_t(from), r.topk_probs.end());
  auto row = std::make_shared<const viz::TimelineRow>(std::move(tr));
  pending_event_ = viz::TimelineRow::None;
  pending_event_pos_ = -1;
  timeline_.push_back(row);
  if (timeline_.size() > kTimelineCap) timeline_.pop_front();
  history_.add_row(std::move(row));
  view_.cur = std::move(r);
  if (converge && view_.cur.converge_done) {
    converging_ = false;
    const Converged done{view_.cur.converge_iteration,
                         std::chrono::duration<double, std::milli>(Clock::now() - conv_t0_).count()};
    history_.add_converge(done);
    converges_.push_back(done);
    if (converges_.size() > kConvergeCap) converges_.pop_front();
    done_id_ = conv_id_;
    finish_effect(done.iterations);
  }
}

void LabSession::finish_effect(int iterations) {
  if (!before_.p.defined()) return;
  torch::NoGradGuard ng;
  const Before b = std::move(before_);
  before_ = {};
  const int64_t off = engine_->offset(), lb = b.p.size(0), la = engine_->length();
  const int64_t lo = std::max(b.offset, off), hi = std::min(b.offset + lb, off + la);  // positions in both
  if (hi <= lo) return;
  const int64_t n = hi - lo;
  const int np = int(std::clamp<int64_t>(b.offset + b.n_past - lo, 0, n));
  // Pinned past rows are one-hot before and after: their change is 0 without computing it. Only
  // the rows that can change go through the V-wide work (16 of 128 rows in the bundled window).
  const int64_t k0 = settings_.engine.pin_past ? np : 0, m = n - k0;
  auto pb = b.p.narrow(0, lo - b.offset + k0, m).to(torch::kCPU, torch::kFloat64);            // [m,V] before
  auto pa = engine_->probs().narrow(0, lo - off + k0, m).to(torch::kCPU, torch::kFloat64);    // [m,V] after
  auto logb = pb.clamp_min(1e-30).log(), loga = pa.clamp_min(1e-30).log();
  auto dH = ((pb * logb).sum(-1) - (pa * loga).sum(-1)).to(torch::kFloat32).contiguous();  // [m] H_after - H_before
  auto kl = (pb * (logb - loga)).sum(-1).clamp_min(0).to(torch::kFloat32).contiguous();     // [m]
  auto mb = pb.max(-1), ma = pa.max(-1);
  auto ib = std::get<1>(mb).to(torch::kInt).contiguous(), ia = std::get<1>(ma).to(torch::kInt).contiguous();
  auto vb = std::get<0>(mb).to(torch::kFloat32).contiguous(), va = std::get<0>(ma).to(torch::kFloat32).contiguous();
  viz::CollapseEffect e;
  e.pos = b.pos;
  e.edit = b.edit;
  e.first = lo;
  e.n_past = np;
  e.d_entropy.assign(size_t(k0), 0.0f);
  e.kl.assign(size_t(k0), 0.0f);
  e.d_entropy.insert(e.d_entropy.end(), dH.data_ptr<float>(), dH.data_ptr<float>() + m);
  e.kl.insert(e.kl.end(), kl.data_ptr<float>(), kl.data_ptr<float>() + m);
  e.iterations = iterations;
  const auto& st = engine_->status();
  e.free_rows.assign(size_t(n), 0);
  for (int64_t j = e.n_past; j < n; ++j) {
    // A response: a row free now that the action did not set (a timed partial whose hold ran out
    // during the re-convergence is free now, but its change is the action's).
    const bool set = std::find(b.set.begin(), b.set.end(), lo + j) != b.set.end();
    e.free_rows[size_t(j)] = st[size_t(lo + j - off)] == RowStatus::Free && !set;
    if (!e.free_rows[size_t(j)]) continue;
    const int64_t t = j - k0;  // row in the computed tensors
    const int32_t before = ib.data_ptr<int32_t>()[t], after = ia.data_ptr<int32_t>()[t];
    if (before != after) e.changed.push_back({lo + j, before, after, vb.data_ptr<float>()[t], va.data_ptr<float>()[t]});
  }
  view_.effect = std::move(e);
}

void LabSession::work() {
  if (converging_) return iterate(true);
  if (!playing_) return;
  const Mark m = mark();
  try {
    // A round: the policy collapses (or the first future row does), leading collapsed rows are
    // minted, the window re-converges. The round is the one `wfc generate` plays.
    begin("play");
    capture_before();
    const PlayRound round = play_round(*engine_, *policy_, pick());
    std::string label = "play:";
    for (const auto& rc : round.collapses) {
      note_collapse(rc.pos, /*capture=*/false);
      record(collapse_action(rc.pos, rc.partial, rc.alpha, rc.token));
      label += (rc.partial ? " partial " : " collapse ") + std::to_string(rc.pos) + " " + text(rc.token);
    }
    for (size_t i = 0; i < round.minted.size(); ++i) record(action(ScriptAction::Mint));
    if (!round.minted.empty()) {
      pending_event_ = viz::TimelineRow::Mint;
      pending_event_pos_ = round.first_minted + int64_t(round.minted.size()) - 1;
      label += ", mint " + std::to_string(round.minted.size());
    }
    history_.set_label(history_.current(), label + " (" + settings_.policy + ")");
    view_.cur = engine_->snapshot();
    start_converge(0, true);
    history_.drop_old_states();
  } catch (...) {
    rollback(m);
    converging_ = playing_ = false;
    throw;
  }
}

void LabSession::note_error(const std::string& msg) {
  error_ = msg;
  ++error_seq_;
}

// ---- what the UI and the export see ---------------------------------------------------------

std::shared_ptr<viz::LabSnapshot> LabSession::snapshot() {
  auto p = std::make_shared<viz::LabSnapshot>();
  p->version = ++version_;
  p->loaded = bool(engine_);
  p->checkpoint = ck_.path;
  p->info = ck_.info;
  p->masks = ck_.masks;
  p->checkpoint_mask = ck_.mask;
  p->policies = policy_names();
  p->vocab = ck_.vocab;
  p->log_vocab = ck_.vocab ? std::log(double(ck_.vocab->size())) : 0;
  p->cur = view_.cur;
  p->offset = engine_ ? engine_->offset() : 0;
  p->ghost = view_.ghost;
  p->ghost_offset = view_.ghost_offset;
  p->ghost_n_past = view_.ghost_n_past;
  p->last_collapse = view_.last_collapse;
  p->effect = view_.effect;
  if (engine_) p->past_tokens = engine_->past_tokens();
  p->timeline.assign(timeline_.begin(), timeline_.end());
  for (const auto& c : converges_) {
    p->converge_iters.push_back(c.iterations);
    p->converge_ms.push_back(c.ms);
  }
  p->converge_count = history_.current() >= 0 ? history_.cur().converge_count : 0;
  p->history = history_.list();
  p->current = history_.current();
  p->settings = settings_;
  p->playing = playing_;
  p->busy = converging_ || playing_;
  p->done_id = done_id_;
  p->iter_ms = view_.cur.ms;
  p->error = error_;
  p->error_seq = error_seq_;
  return p;
}

std::string LabSession::script() const {
  return history_.script(ck_.path, engine_ ? engine_->iteration() : 0);
}

}  // namespace wfc::app
