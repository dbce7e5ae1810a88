// Controls: run, step, collapse, mint, undo; the prompt; policy and refinement settings.
#include <imgui.h>

#include <algorithm>
#include <cstring>

#include "viz/windows.h"

namespace wfc::viz {

void draw_controls(ViewState& v) {
  place_window(v, 0.0f, 0.0f, 0.2f, 0.70f);
  ImGui::Begin("Controls");
  const auto& s = *v.snap;
  // The session owns the settings: whenever its copy changes (a checkpoint opened, a history step
  // restored, our own edit applied), the controls show it.
  if (s.loaded && (!v.settings_init || s.settings != v.seen_settings)) {
    v.settings = v.seen_settings = s.settings;
    v.settings_init = true;
  }
  // An edit the session has handled (applied, or refused with an error) leaves the controls.
  if (v.settings_cmd && s.done_id >= v.settings_cmd && !ImGui::IsAnyItemActive()) {
    v.settings = v.seen_settings;
    v.settings_cmd = 0;
  }
  auto simple = [&](CmdKind k, bool measure = false) {
    LabCommand c;
    c.kind = k;
    v.send(c, measure);
  };
  const float bw = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3;

  // Run.
  if (ImGui::Button(s.playing ? "Pause" : "Play", ImVec2(bw, 0))) simple(s.playing ? CmdKind::Pause : CmdKind::Play);
  v.remember("play");
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(bw, 0))) simple(CmdKind::Step);
  ImGui::SameLine();
  if (ImGui::Button("Converge", ImVec2(bw, 0))) simple(CmdKind::Converge);
  const float sp = ImGui::GetStyle().ItemSpacing.x;
  if (ImGui::Button("Collapse next", ImVec2(2 * bw + sp, 0))) simple(CmdKind::CollapseNext, true);
  v.remember("collapse_next");
  ImGui::SameLine();
  if (ImGui::Button("Mint", ImVec2(bw, 0))) simple(CmdKind::Mint, true);
  const float hw = (ImGui::GetContentRegionAvail().x - sp) / 2;
  if (ImGui::Button("Undo", ImVec2(hw, 0))) undo(v);
  v.remember("undo");
  ImGui::SameLine();
  if (ImGui::Button("Redo", ImVec2(hw, 0))) redo(v);
  v.remember("redo");
  ImGui::SetNextItemWidth(-(ImGui::CalcTextSize("delay ms").x + ImGui::GetStyle().ItemInnerSpacing.x + 4));
  ImGui::SliderInt("delay ms", &v.settings.delay_ms, 0, 500);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("speed: a pause after every iteration, to watch slowly");

  // Sections fold, so what a user changes most (the prompt, the window's seed, future rows and
  // mask) stays reachable without scrolling at 1280x720; labels get the width they need.
  const float sp_x = ImGui::GetStyle().ItemInnerSpacing.x;
  const float label_w = ImGui::CalcTextSize("temperature").x + sp_x + 4;
  LabSettings& st = v.settings;
  EngineConfig& ec = st.engine;

  // Prompt.
  if (ImGui::CollapsingHeader("Prompt", ImGuiTreeNodeFlags_DefaultOpen)) {
    static char buf[2048];
    if (std::strncmp(buf, v.prompt.c_str(), sizeof buf) != 0) std::snprintf(buf, sizeof buf, "%s", v.prompt.c_str());
    if (ImGui::InputTextMultiline("##prompt", buf, sizeof buf, ImVec2(-1, ImGui::GetTextLineHeight() * 3.4f))) v.prompt = buf;
    if (ImGui::Button("Reset with prompt")) {
      LabCommand c;
      c.kind = CmdKind::Reset;
      c.text = v.prompt;
      v.send(c, true);
    }
    v.remember("reset");
    if (!v.sample_prompts.empty()) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(-1);
      if (ImGui::BeginCombo("##samples", "samples")) {
        for (const auto& p : v.sample_prompts)
          if (ImGui::Selectable(p.c_str())) v.prompt = p;
        ImGui::EndCombo();
      }
    }
  }

  // Window: what the next reset starts from, and which rows attend to which.
  if (ImGui::CollapsingHeader("Window", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::SetNextItemWidth(-label_w);
    ImGui::SliderInt("future rows", &ec.future, 1, 64);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("future rows apply at the next reset");
    v.remember("future_rows");
    int seed = int(ec.seed);
    ImGui::SetNextItemWidth(-label_w);
    if (ImGui::InputInt("seed", &seed)) ec.seed = uint64_t(std::max(seed, 0));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the sampling seed; applies at the next reset");
    v.remember("seed");
    // Name the checkpoint's own mask: the default says which rows attend to which.
    auto label = [&](MaskKind m) {
      return m == MaskKind::Checkpoint ? s.checkpoint_mask + " (checkpoint)" : std::string(mask_name(m));
    };
    ImGui::SetNextItemWidth(-(ImGui::CalcTextSize("mask").x + sp_x + 4));
    if (ImGui::BeginCombo("mask", label(ec.mask).c_str())) {
      for (MaskKind m : s.masks) {
        if (ImGui::Selectable(label(m).c_str(), m == ec.mask)) ec.mask = m;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", mask_help(m));
      }
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("which rows each row may attend to; applies from the next iteration");
    v.remember("mask");
    bool drift = !ec.pin_past;
    ImGui::Checkbox("past drifts", &drift);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("off: past rows are pinned one-hot; on: they are re-contextualised too");
    ec.pin_past = !drift;
  }

  // Policy.
  if (ImGui::CollapsingHeader("Policy (collapse next, play)", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##policy", st.policy.c_str())) {
      for (const auto& p : s.policies)
        if (ImGui::Selectable(p.c_str(), p == st.policy)) st.policy = p;
      ImGui::EndCombo();
    }
    // The parameter's meaning above it, the slider the whole width: nothing cut at 1280 px.
    auto param = [&](const char* what, const char* id, float* x, float lo, float hi, const char* f) {
      ImGui::TextDisabled("%s", what);
      ImGui::SetNextItemWidth(-1);
      ImGui::SliderFloat(id, x, lo, hi, f);
    };
    if (st.policy == "threshold") param("rows this far under the curve's median", "##threshold", &st.params.threshold, 0.0f, 4.0f, "%.2f nats");
    if (st.policy == "entropy-budget") param("summed entropy collapsed per round", "##budget", &st.params.budget, 0.1f, 40.0f, "%.1f nats");
    if (st.policy == "median-partial") param("blend strength alpha", "##alpha", &st.params.alpha, 0.05f, 1.0f, "%.2f");
    int pick = st.sample ? 1 : 0;
    ImGui::RadioButton("arg-max", &pick, 0);
    ImGui::SameLine();
    ImGui::RadioButton("sample", &pick, 1);
    st.sample = pick == 1;
    ImGui::Checkbox("auto-mint", &st.auto_mint);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("a full collapse of the first future row mints it into the past");
  }

  // Refinement.
  if (ImGui::CollapsingHeader("Refinement", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::SetNextItemWidth(-label_w);
    ImGui::SliderInt("max iters", &ec.max_iters, 1, 128);
    ImGui::SetNextItemWidth(-label_w);
    ImGui::SliderFloat("tolerance", &ec.tol, 1e-6f, 1e-1f, "%.0e", ImGuiSliderFlags_Logarithmic);
    ImGui::SetNextItemWidth(-label_w);
    ImGui::SliderFloat("temperature", &ec.temperature, 0.05f, 3.0f, "%.2f");
  }
  if (v.settings_init && !v.settings_cmd && st != v.seen_settings && !ImGui::IsAnyItemActive()) {
    LabCommand c;
    c.kind = CmdKind::Settings;
    c.settings = st;
    c.base = v.seen_settings;  // the session applies only what changed from what we saw
    v.settings_cmd = v.send(c);
  }
  ImGui::End();
}

}  // namespace wfc::viz
