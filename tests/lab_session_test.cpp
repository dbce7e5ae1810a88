// The lab's session (app/lab_session.h) on a tiny random checkpoint: absolute positions while the
// window slides, undo/redo, branches, the session script round trip, settings ownership, and one
// test per defect of issue 14 that the redesign fixed.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "app/lab_session.h"
#include "app/lab_worker.h"
#include "model/errors.h"
#include "model/checkpoint.h"
#include "model/tokenizer.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::app;
using namespace wfc::test;
using viz::CmdKind;
using viz::LabCommand;

namespace {

// A tiny checkpoint file (block 32, vocabulary ~400), written once per process.
std::string checkpoint_file(const std::string& objective = "wfc") {
  const std::string path = std::filesystem::temp_directory_path() / ("wfc_lab_test_" + objective + ".safetensors");
  static std::set<std::string> written;
  if (!written.count(path)) {
    Checkpoint ck = tiny_checkpoint(3);
    ck.objective = objective;
    if (objective == "ar") ck.model.mask = "causal";
    save_checkpoint(path, ck);
    written.insert(path);
  }
  return path;
}

LabSessionOptions options(const std::string& objective = "wfc") {
  LabSessionOptions o;
  o.checkpoint = checkpoint_file(objective);
  o.prompt = "the jury said that the city of atlanta had been";
  o.settings.engine.future = 6;
  o.settings.engine.max_iters = 6;
  return o;
}

LabCommand cmd(CmdKind k, int64_t pos = -1) {
  LabCommand c;
  c.kind = k;
  c.pos = pos;
  return c;
}

LabCommand load(const std::string& path) {
  LabCommand c = cmd(CmdKind::Load);
  c.text = path;
  return c;
}

void settle(LabSession& s) {
  for (int i = 0; s.active() && i < 2000; ++i) s.work();
  ASSERT_FALSE(s.active());
}

std::unique_ptr<LabSession> open_session(LabSession::Mode mode = LabSession::Mode::Lab,
                                         LabSessionOptions o = options()) {
  auto s = std::make_unique<LabSession>(o, mode);
  s->handle(load(o.checkpoint));
  settle(*s);
  return s;
}

int64_t first_future(const viz::LabSnapshot& s) { return s.offset + s.cur.n_past; }
RowStatus status_at(const viz::LabSnapshot& s, int64_t pos) { return RowStatus(s.cur.status[pos - s.offset]); }

}  // namespace

// Defect 5: a click during play carries the absolute position it was made at; rounds that mint
// and slide the window in between do not move it to another row.
TEST(LabSession, CollapseAtAnAbsolutePositionDuringPlay) {
  LabSessionOptions o = options();
  o.settings.policy = "first-future";  // a mint every round: the window fills and slides soon
  auto s = open_session(LabSession::Mode::Lab, o);
  s->handle(cmd(CmdKind::Play));
  for (int i = 0; i < 400 && s->snapshot()->offset < 2; ++i) s->work();
  const auto seen = s->snapshot();
  ASSERT_GE(seen.get()->offset, 2) << "the window never slid";
  const int64_t target = first_future(*seen) + 4;
  ASSERT_EQ(status_at(*seen, target), RowStatus::Free);
  // The UI's command is on its way while play goes on and mints.
  for (int i = 0; i < 100 && first_future(*s->snapshot()) == first_future(*seen); ++i) s->work();
  const auto now = s->snapshot();
  ASSERT_GT(now->offset, seen->offset) << "the window did not slide between click and command";
  s->handle(cmd(CmdKind::Collapse, target));
  const auto after = s->snapshot();
  EXPECT_EQ(status_at(*after, target), RowStatus::Collapsed);
  EXPECT_EQ(after->last_collapse, target);
  EXPECT_FALSE(after->playing);  // an action of the user's stops play
  EXPECT_NE(s->script().find("collapse " + std::to_string(target) + " full "), std::string::npos);
  // A position that has become past is refused, naming it.
  expect_input_error([&] { s->handle(cmd(CmdKind::Collapse, first_future(*after) - 1)); },
                     {"collapse: position " + std::to_string(first_future(*after) - 1) + " is not in the future"});
}

TEST(LabSession, UndoAndRedoRestoreTheStatesExactly) {
  auto s = open_session();
  const auto start = s->snapshot();
  const int64_t a = first_future(*start) + 2, b = first_future(*start) + 4;
  s->handle(cmd(CmdKind::Collapse, a));
  settle(*s);
  const auto one = s->snapshot();
  LabCommand p = cmd(CmdKind::CollapsePartial, b);
  p.alpha = 0.5f;
  s->handle(p);
  settle(*s);
  const auto two = s->snapshot();
  ASSERT_EQ(status_at(*two, b), RowStatus::Partial);
  ASSERT_EQ(two->history.size(), 3u);

  LabCommand undo = cmd(CmdKind::Goto);
  undo.node = two->history[two->current].parent;
  s->handle(undo);
  EXPECT_EQ(s->snapshot()->cur.entropy, one->cur.entropy);
  EXPECT_EQ(s->snapshot()->cur.status, one->cur.status);
  undo.node = one->history[one->current].parent;
  s->handle(undo);
  EXPECT_EQ(s->snapshot()->cur.entropy, start->cur.entropy);
  EXPECT_EQ(status_at(*s->snapshot(), a), RowStatus::Free);
  LabCommand redo = cmd(CmdKind::Goto);
  redo.node = two->current;
  s->handle(redo);
  EXPECT_EQ(s->snapshot()->cur.entropy, two->cur.entropy);
  EXPECT_EQ(s->snapshot()->timeline.size(), two->timeline.size());
}

TEST(LabSession, ActingFromAnEarlierStepStartsABranch) {
  auto s = open_session();
  const int64_t f = first_future(*s->snapshot());
  s->handle(cmd(CmdKind::Collapse, f + 1));
  settle(*s);
  LabCommand undo = cmd(CmdKind::Goto);
  undo.node = 0;
  s->handle(undo);
  s->handle(cmd(CmdKind::Collapse, f + 3));
  settle(*s);
  const auto snap = s->snapshot();
  ASSERT_EQ(snap->history.size(), 3u);
  EXPECT_EQ(snap->history[1].parent, 0);
  EXPECT_EQ(snap->history[2].parent, 0);
  EXPECT_EQ(snap->history[2].depth, 1);
  EXPECT_EQ(status_at(*snap, f + 1), RowStatus::Free);
  EXPECT_EQ(status_at(*snap, f + 3), RowStatus::Collapsed);
  const std::string script = s->script();
  EXPECT_EQ(script.find("collapse " + std::to_string(f + 1) + " "), std::string::npos) << script;
  EXPECT_NE(script.find("collapse " + std::to_string(f + 3) + " "), std::string::npos) << script;
}

// What the lab did replays exactly through the script `wfc export` runs.
TEST(LabSession, SessionScriptReplaysToTheSameState) {
  auto s = open_session();
  const int64_t f = first_future(*s->snapshot());
  LabCommand sample = cmd(CmdKind::Collapse, f + 2);
  sample.pick = Pick::Sample;
  s->handle(sample);
  settle(*s);
  LabCommand p = cmd(CmdKind::CollapsePartial, f + 4);
  p.alpha = 0.3f;
  p.hold = 2;
  s->handle(p);
  settle(*s);
  s->handle(cmd(CmdKind::Mint));
  settle(*s);
  s->handle(cmd(CmdKind::CollapseNext));
  settle(*s);
  s->handle(cmd(CmdKind::Play));
  for (int i = 0; i < 30; ++i) s->work();
  s->handle(cmd(CmdKind::Pause));
  s->handle(cmd(CmdKind::Step));
  const auto lab = s->snapshot();
  const std::string text = s->script();

  auto rs = std::make_unique<LabSession>(options(), LabSession::Mode::Script);
  rs->handle(load(options().checkpoint));
  for (const auto& a : viz::parse_script(text, "saved")) replay(*rs, a);
  const auto got = rs->snapshot();
  EXPECT_EQ(got->offset, lab->offset);
  EXPECT_EQ(got->cur.status, lab->cur.status);
  EXPECT_EQ(got->past_tokens, lab->past_tokens);
  ASSERT_EQ(got->cur.entropy.size(), lab->cur.entropy.size());
  for (size_t i = 0; i < got->cur.entropy.size(); ++i) EXPECT_NEAR(got->cur.entropy[i], lab->cur.entropy[i], 1e-5) << i;
}

// Defect 6: the UI's copy of the settings went stale when a checkpoint with other masks opened,
// and its next unrelated change was refused. The session applies only what an edit changed.
TEST(LabSession, SettingsAfterACheckpointWithOtherMasksOpens) {
  auto s = open_session();
  LabCommand mask = cmd(CmdKind::Settings);
  mask.base = mask.settings = s->snapshot()->settings;
  mask.settings.engine.mask = MaskKind::Lookahead;
  s->handle(mask);
  const viz::LabSettings ui_copy = s->snapshot()->settings;  // what the controls hold
  ASSERT_EQ(ui_copy.engine.mask, MaskKind::Lookahead);
  s->handle(load(checkpoint_file("ar")));  // the baseline runs causal only
  settle(*s);
  EXPECT_EQ(s->snapshot()->settings.engine.mask, MaskKind::Checkpoint);
  EXPECT_EQ(s->snapshot()->masks, (std::vector<MaskKind>{MaskKind::Checkpoint, MaskKind::Causal}));
  LabCommand tol = cmd(CmdKind::Settings);
  tol.base = ui_copy;
  tol.settings = ui_copy;
  tol.settings.engine.tol = 1e-4f;
  s->handle(tol);  // threw "this checkpoint does not run with the 'lookahead' mask" before
  EXPECT_FLOAT_EQ(s->snapshot()->settings.engine.tol, 1e-4f);
  EXPECT_EQ(s->snapshot()->settings.engine.mask, MaskKind::Checkpoint);
  // A mask the checkpoint does not run is still refused, and changes nothing.
  LabCommand bad = cmd(CmdKind::Settings);
  bad.base = bad.settings = s->snapshot()->settings;
  bad.settings.engine.mask = MaskKind::Block;
  bad.settings.engine.max_iters = 3;
  expect_input_error([&] { s->handle(bad); }, {"does not run with the 'block' mask"});
  EXPECT_EQ(s->snapshot()->settings.engine.max_iters, 6);
}

// A history step brings back the settings its state was left with.
TEST(LabSession, GoingToAStepShowsItsSettings) {
  auto s = open_session();
  LabCommand c = cmd(CmdKind::Settings);
  c.base = c.settings = s->snapshot()->settings;
  c.settings.engine.tol = 0.05f;
  s->handle(c);
  s->handle(cmd(CmdKind::Collapse, first_future(*s->snapshot()) + 2));
  settle(*s);
  c.base = c.settings = s->snapshot()->settings;
  c.settings.engine.tol = 0.002f;
  s->handle(c);
  LabCommand undo = cmd(CmdKind::Goto);
  undo.node = 0;
  s->handle(undo);
  EXPECT_FLOAT_EQ(s->snapshot()->settings.engine.tol, 0.05f);
}

// Defect 2: a worker whose session never came up answered no script request: the UI spun forever.
TEST(LabWorker, AScriptRequestIsAnsweredEvenWhenTheSessionFailed) {
  LabSessionOptions o = options();
  o.settings.policy = "nope";
  LabWorker w(o);
  auto f = w.script();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  try {
    f.get();
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("unknown policy 'nope'"), std::string::npos) << e.what();
  }
  // And a working one answers with the script.
  LabWorker ok(options());
  auto g = ok.script();
  ASSERT_EQ(g.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_NE(g.get().find("prompt the jury said"), std::string::npos);
}

// Defect 3: the lab's play under median-partial never minted (59 rounds, 0 tokens).
TEST(LabSession, PlayWithMedianPartialMints) {
  LabSessionOptions o = options();
  o.settings.policy = "median-partial";
  auto s = open_session(LabSession::Mode::Lab, o);
  const int64_t before = first_future(*s->snapshot());
  s->handle(cmd(CmdKind::Play));
  for (int i = 0; i < 300; ++i) s->work();
  EXPECT_GE(first_future(*s->snapshot()) - before, 3);  // 0 before: 59 rounds, no token
}

// Defect 7: an action that fails half-way left an empty history step and an overwritten ghost.
TEST(LabSession, AFailingActionLeavesNoTrace) {
  auto s = open_session();
  s->handle(cmd(CmdKind::Collapse, first_future(*s->snapshot()) + 1));
  settle(*s);
  const auto before = s->snapshot();
  const std::string script = s->script();
  LabCommand bad = cmd(CmdKind::Collapse, first_future(*before) + 3);
  bad.pick = Pick::Token;
  bad.token = 1 << 20;  // outside the vocabulary: the engine refuses it after the step began
  expect_input_error([&] { s->handle(bad); }, {"outside the vocabulary"});
  const auto after = s->snapshot();
  EXPECT_EQ(after->history.size(), before->history.size());
  EXPECT_EQ(after->current, before->current);
  EXPECT_EQ(after->ghost, before->ghost);
  EXPECT_EQ(after->last_collapse, before->last_collapse);
  EXPECT_EQ(after->cur.status, before->cur.status);
  EXPECT_EQ(s->script(), script);
}

// Item 11: with auto-mint (the default), collapsing the first future row mints it; off, it stays.
TEST(LabSession, CollapsingTheFirstFutureRowMintsItWithAutoMint) {
  auto s = open_session();
  const int64_t f = first_future(*s->snapshot());
  s->handle(cmd(CmdKind::Collapse, f));
  EXPECT_EQ(first_future(*s->snapshot()), f + 1);
  LabCommand off = cmd(CmdKind::Settings);
  off.base = off.settings = s->snapshot()->settings;
  off.settings.auto_mint = false;
  s->handle(off);
  settle(*s);
  s->handle(cmd(CmdKind::Collapse, f + 1));
  EXPECT_EQ(first_future(*s->snapshot()), f + 1);
  EXPECT_EQ(status_at(*s->snapshot(), f + 1), RowStatus::Collapsed);
}

// Item 11: "pin as it is" re-converges the window around the pinned row.
TEST(LabSession, PinningConvergesTheWindow) {
  auto s = open_session();
  s->handle(cmd(CmdKind::Pin, first_future(*s->snapshot()) + 2));
  EXPECT_TRUE(s->active());
  settle(*s);
  EXPECT_TRUE(s->snapshot()->cur.converge_done);
}

// Defect 8: history steps copied the whole timeline and the per-convergence lists grew forever.
TEST(LabSession, ALongPlayStaysBounded) {
  LabSessionOptions o = options();
  o.max_states = 20;
  o.settings.engine.max_iters = 3;
  auto s = open_session(LabSession::Mode::Lab, o);
  s->handle(cmd(CmdKind::Play));
  for (int i = 0; i < 3000; ++i) s->work();
  const auto snap = s->snapshot();
  const auto fp = s->footprint();
  std::cout << "    " << snap->history.size() << " steps: " << fp.states << " states, " << fp.rows
            << " timeline rows and " << fp.converges << " re-convergences held by the history\n";
  EXPECT_GT(snap->history.size(), 400u);
  EXPECT_LE(fp.states, 21u);
  EXPECT_LE(fp.rows, 21u * 3 + kTimelineCap);
  EXPECT_LE(snap->converge_iters.size(), kConvergeCap);
  EXPECT_LE(snap->timeline.size(), kTimelineCap);
  EXPECT_GT(snap->converge_count, int64_t(kConvergeCap));
}

TEST(HistoryList, SnapshotsKeepTheirCopyWhileTheSessionGoesOn) {
  viz::HistoryList h;
  for (int i = 0; i < 600; ++i) h.push_back({i, i - 1, i, "n" + std::to_string(i)});
  const viz::HistoryList seen = h;
  h.push_back({600, 599, 600, "new"});
  h.edit(3).label = "edited";
  h.pop_back();
  h.pop_back();
  EXPECT_EQ(seen.size(), 600u);
  EXPECT_EQ(seen[3].label, "n3");
  EXPECT_EQ(seen[599].label, "n599");
  EXPECT_EQ(h.size(), 599u);
  EXPECT_EQ(h[3].label, "edited");
}

// What a collapse changed (issue 16, the "vibration" view): measured when its re-convergence
// ends, over the positions present before and after, the collapsed row's own KL the largest kind
// of change, past rows untouched; it travels with the history step (undo shows the step's own).
TEST(LabSession, ACollapseRecordsWhatItChangedOnceReconverged) {
  auto s = open_session();
  const auto start = s->snapshot();
  EXPECT_EQ(start->effect.pos, -1);  // nothing collapsed yet
  const int64_t target = first_future(*start) + 3;
  s->handle(cmd(CmdKind::Collapse, target));
  EXPECT_EQ(s->snapshot()->effect.pos, -1);  // not before the window has re-converged
  settle(*s);
  const auto after = s->snapshot();
  const auto& e = after->effect;
  ASSERT_EQ(e.pos, target);
  ASSERT_EQ(int64_t(e.kl.size()), int64_t(after->cur.length));  // no slide: every position measured
  ASSERT_EQ(e.d_entropy.size(), e.kl.size());
  EXPECT_EQ(e.first, after->offset);
  EXPECT_EQ(e.n_past, start->cur.n_past);
  EXPECT_EQ(e.iterations, after->converge_iters.back());
  for (int i = 0; i < e.n_past; ++i) {
    EXPECT_EQ(e.kl[size_t(i)], 0.0f) << "past row " << i;
    EXPECT_EQ(e.d_entropy[size_t(i)], 0.0f) << "past row " << i;
  }
  const size_t c = size_t(target - e.first);
  // The collapsed row went from its distribution to one-hot: its entropy fell by what it was.
  EXPECT_NEAR(e.d_entropy[c], -start->cur.entropy[c], 1e-3);
  EXPECT_GT(e.kl[c], 0.0f);
  ASSERT_EQ(e.free_rows.size(), e.kl.size());
  EXPECT_EQ(e.free_rows[c], 0);                                  // set by the action
  float others = 0;
  for (size_t i = 0; i < e.kl.size(); ++i) {
    EXPECT_EQ(e.free_rows[i], i >= size_t(e.n_past) && i != c) << i;
    if (e.free_rows[i]) others += e.kl[i];
  }
  EXPECT_GT(others, 0.0f) << "no other row responded to the collapse";
  for (const auto& ch : e.changed) {
    EXPECT_NE(ch.pos, target);
    EXPECT_NE(ch.before, ch.after);
    EXPECT_EQ(after->cur.argmax[size_t(ch.pos - after->offset)], ch.after);
    EXPECT_EQ(start->cur.argmax[size_t(ch.pos - start->offset)], ch.before);
  }
  // Undo shows the parent step's (none); redo brings this one back.
  LabCommand go = cmd(CmdKind::Goto);
  go.node = after->history[after->current].parent;
  s->handle(go);
  EXPECT_EQ(s->snapshot()->effect.pos, -1);
  go.node = after->current;
  s->handle(go);
  EXPECT_EQ(s->snapshot()->effect.pos, target);
  EXPECT_EQ(s->snapshot()->effect.kl, e.kl);
}

// Collapse to anything (issue 16, item 3): typed text is tokenised and rows from the position on
// take its tokens; a text longer than the future is refused before anything changes; the script
// replays it; a partial collapse goes toward a chosen token.
TEST(LabSession, CollapseToTextFillsRowsWithItsTokensAndReplays) {
  auto s = open_session();
  const auto start = s->snapshot();
  const int64_t at = first_future(*start) + 2;
  // A phrase of 2-4 tokens under the tiny test tokenizer: a span, and it fits the 4 rows from `at`.
  auto tok = Tokenizer::from_bytes(load_checkpoint(checkpoint_file()).tokenizer);
  LabCommand c = cmd(CmdKind::CollapseText, at);
  for (const char* t : {"of the", "the city", "the jury", "said that", "in the"})
    if (const size_t n = tok.encode(t).size(); n >= 2 && n <= 4) {
      c.text = t;
      break;
    }
  ASSERT_FALSE(c.text.empty()) << "no 2-4 token phrase under the test tokenizer";
  const std::vector<int> ids = tok.encode(c.text);
  s->handle(c);
  settle(*s);
  const auto after = s->snapshot();
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(status_at(*after, at + int64_t(i)), RowStatus::Collapsed) << i;
    EXPECT_EQ(after->cur.argmax[size_t(at + int64_t(i) - after->offset)], ids[i]) << i;
  }
  EXPECT_EQ(status_at(*after, at - 1), RowStatus::Free);
  EXPECT_NE(after->history[after->current].label.find("to '" + c.text + "'"), std::string::npos)
      << after->history[after->current].label;
  // The session script replays it to the same state.
  const std::string script = s->script();
  auto rs = std::make_unique<LabSession>(options(), LabSession::Mode::Script);
  rs->handle(load(options().checkpoint));
  for (const auto& a : viz::parse_script(script, "saved")) replay(*rs, a);
  EXPECT_EQ(rs->snapshot()->cur.status, after->cur.status);
  EXPECT_EQ(rs->snapshot()->past_tokens, after->past_tokens);

  // More tokens than future rows from there: refused, nothing changed, the one line names it.
  const size_t nodes = after->history.size();
  LabCommand longer = cmd(CmdKind::CollapseText, first_future(*after) + after->cur.length - after->cur.n_past - 1);
  longer.text = c.text;
  expect_input_error([&] { s->handle(longer); }, {"collapse to text: position", "is not in the future"});
  EXPECT_EQ(s->snapshot()->history.size(), nodes);
  EXPECT_EQ(s->snapshot()->cur.status, after->cur.status);
  LabCommand empty = cmd(CmdKind::CollapseText, at);
  expect_input_error([&] { s->handle(empty); }, {"holds no token"});

  // A partial collapse toward the row's second-best token.
  const auto now = s->snapshot();
  const int64_t p = first_future(*now);
  const int second = now->cur.topk_ids[size_t(p - now->offset) * size_t(now->cur.k) + 1];
  LabCommand part = cmd(CmdKind::CollapsePartial, p);
  part.alpha = 0.9f;
  part.token = second;
  s->handle(part);
  settle(*s);
  EXPECT_EQ(status_at(*s->snapshot(), p), RowStatus::Partial);
  EXPECT_EQ(s->snapshot()->cur.argmax[size_t(p - s->snapshot()->offset)], second);
}

// A counterfactual past (issue 16, item 3): a past token is replaced, the future re-converges
// from where it was, What changed measures the response and says it was an edit; the script
// replays it; positions outside the window's past and texts that would run into the future are
// refused before anything changes.
TEST(LabSession, EditingAPastTokenReconvergesTheFutureAndReplays) {
  auto s = open_session();
  const auto start = s->snapshot();
  ASSERT_GE(start->cur.n_past, 4);
  const int64_t at = start->offset + 2;
  const int old = start->past_tokens[2];
  LabCommand c = cmd(CmdKind::EditPast, at);
  c.token = (old + 17) % int(start->vocab->size());
  s->handle(c);
  settle(*s);
  const auto after = s->snapshot();
  ASSERT_EQ(after->past_tokens.size(), start->past_tokens.size());
  for (size_t i = 0; i < after->past_tokens.size(); ++i)
    EXPECT_EQ(after->past_tokens[i], i == 2 ? c.token : start->past_tokens[i]) << i;
  EXPECT_EQ(after->cur.n_past, start->cur.n_past);  // nothing minted, nothing slid
  const auto& e = after->effect;
  EXPECT_EQ(e.pos, at);
  EXPECT_TRUE(e.edit);
  float responded = 0;
  for (size_t i = 0; i < e.kl.size(); ++i)
    if (e.free_rows[i]) responded += e.kl[i];
  EXPECT_GT(responded, 0.0f) << "the future did not respond to a changed past";
  const std::string label = after->history[after->current].label;
  EXPECT_EQ(label.rfind("edit " + std::to_string(at) + " ", 0), 0u) << label;
  EXPECT_NE(s->script().find("edit " + std::to_string(at) + " " + std::to_string(c.token)), std::string::npos);

  // The script replays to the same tokens and the same distributions.
  auto rs = std::make_unique<LabSession>(options(), LabSession::Mode::Script);
  rs->handle(load(options().checkpoint));
  for (const auto& a : viz::parse_script(s->script(), "saved")) replay(*rs, a);
  EXPECT_EQ(rs->snapshot()->past_tokens, after->past_tokens);
  EXPECT_EQ(rs->snapshot()->cur.argmax, after->cur.argmax);

  // Undo gives the old token back.
  LabCommand go = cmd(CmdKind::Goto);
  go.node = after->history[after->current].parent;
  s->handle(go);
  EXPECT_EQ(s->snapshot()->past_tokens[2], old);

  // Refused: a future position, a position before the window, a text running into the future.
  const size_t nodes = s->snapshot()->history.size();
  LabCommand fut = cmd(CmdKind::EditPast, first_future(*after));
  fut.token = 5;
  expect_input_error([&] { s->handle(fut); }, {"edit: position", "is not in the window's past"});
  LabCommand before = cmd(CmdKind::EditPast, after->offset - 1);
  before.token = 5;
  expect_input_error([&] { s->handle(before); }, {"is not in the window's past"});
  LabCommand text = cmd(CmdKind::EditPast, first_future(*after) - 1);
  text.text = "the city of atlanta";
  expect_input_error([&] { s->handle(text); }, {"edit: 'the city of atlanta' is", "tokens, but the past holds 1 from position"});
  LabCommand empty = cmd(CmdKind::EditPast, at);
  expect_input_error([&] { s->handle(empty); }, {"holds no token"});
  EXPECT_EQ(s->snapshot()->history.size(), nodes);
  EXPECT_EQ(s->snapshot()->past_tokens[2], old);
  // The worker shows a refusal as the session's error; the next action that works ends it (a
  // settings edit, which the UI sends by itself, does not).
  s->note_error("edit: refused");
  LabCommand keep = cmd(CmdKind::Settings);
  keep.settings = keep.base = s->settings();
  s->handle(keep);
  EXPECT_EQ(s->snapshot()->error, "edit: refused");
  s->handle(cmd(CmdKind::Step));
  EXPECT_EQ(s->snapshot()->error, "");

  // A collapse and an edit measured together (a script runs both before an iteration): What
  // changed names the collapse, not "past edited".
  auto sc = open_session(LabSession::Mode::Script);
  const auto s0 = sc->snapshot();
  sc->handle(cmd(CmdKind::Collapse, first_future(*s0) + 2));
  LabCommand e2 = cmd(CmdKind::EditPast, s0->offset + 1);
  e2.token = (s0->past_tokens[1] + 5) % int(s0->vocab->size());
  sc->handle(e2);
  sc->handle(cmd(CmdKind::Converge));
  settle(*sc);
  EXPECT_EQ(sc->snapshot()->effect.pos, first_future(*s0) + 2);
  EXPECT_FALSE(sc->snapshot()->effect.edit);
  // The iteration after both carries one event: the collapse, at its position.
  const auto tl = sc->snapshot()->timeline;
  auto ev = std::find_if(tl.rbegin(), tl.rend(), [](const auto& r) { return r->event != viz::TimelineRow::None; });
  ASSERT_NE(ev, tl.rend());
  EXPECT_EQ((*ev)->event, viz::TimelineRow::Collapse);
  EXPECT_EQ((*ev)->event_pos, first_future(*s0) + 2);
  // The other order (an edit, then a collapse) names the collapse too.
  LabCommand e4 = cmd(CmdKind::EditPast, s0->offset + 2);
  e4.token = (s0->past_tokens[2] + 7) % int(s0->vocab->size());
  sc->handle(e4);
  const int64_t later = first_future(*sc->snapshot()) + 3;
  sc->handle(cmd(CmdKind::Collapse, later));
  sc->handle(cmd(CmdKind::Converge));
  settle(*sc);
  EXPECT_EQ(sc->snapshot()->effect.pos, later);
  EXPECT_FALSE(sc->snapshot()->effect.edit);
  // An edit alone is an edit in the timeline (Spacetime draws it in ink, not the accent).
  LabCommand e3 = cmd(CmdKind::EditPast, s0->offset);
  e3.token = (s0->past_tokens[0] + 3) % int(s0->vocab->size());
  sc->handle(e3);
  sc->handle(cmd(CmdKind::Converge));
  settle(*sc);
  const auto tl2 = sc->snapshot()->timeline;
  auto ev2 = std::find_if(tl2.rbegin(), tl2.rend(), [](const auto& r) { return r->event != viz::TimelineRow::None; });
  ASSERT_NE(ev2, tl2.rend());
  EXPECT_EQ((*ev2)->event, viz::TimelineRow::Edit);
  EXPECT_EQ((*ev2)->event_pos, s0->offset);
  EXPECT_TRUE(sc->snapshot()->effect.edit);
}
