// Layout, undo/redo over the history tree, and the keyboard shortcuts.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdarg>

#include "viz/windows.h"

namespace wfc::viz {

constexpr float kStatusBar = 30.0f;

void begin_tool_window(ViewState& v, const char* title, bool& shown, bool& raise, bool& front, float w, float h,
                       float dx, float dy) {
  const ImVec2 o = ImGui::GetMainViewport()->Pos;
  ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(o.x + dx, o.y + dy), ImGuiCond_FirstUseEver);
  if (raise) ImGui::SetNextWindowFocus();
  raise = false;
  ImGui::Begin(title, &shown);
  front = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
}

void muted_wrapped(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrappedV(fmt, args);
  ImGui::PopStyleColor();
  va_end(args);
}

void place_window(ViewState& v, float x, float y, float w, float h) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Below the menu bar: WorkPos only accounts for it from the second frame on.
  const float menu = ImGui::GetFrameHeight();
  const ImVec2 o(vp->Pos.x, vp->Pos.y + menu), sz(vp->Size.x, vp->Size.y - menu - kStatusBar);
  const ImGuiCond cond = v.reset_layout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  // Three columns at 20 % and 75 % of the width, but the side columns never narrower than their
  // text needs (20 em: "Play Step Converge" on one line at 1280 px); the middle gives way.
  const float em = ImGui::GetFontSize(), left = std::max(0.2f * sz.x, 20 * em), right = std::max(0.25f * sz.x, 20 * em);
  auto col = [&](float f) {
    if (f <= 0.2f) return left * f / 0.2f;
    if (f <= 0.75f) return left + (sz.x - left - right) * (f - 0.2f) / 0.55f;
    return sz.x - right + right * (f - 0.75f) / 0.25f;
  };
  ImGui::SetNextWindowPos(ImVec2(o.x + col(x), o.y + y * sz.y), cond);
  ImGui::SetNextWindowSize(ImVec2(col(x + w) - col(x), h * sz.y), cond);
}

static int parent_of(const ViewState& v, int id) {
  const auto& h = v.snap->history;
  return id >= 0 && id < int(h.size()) ? h[id].parent : -1;
}

void undo(ViewState& v) {
  const int p = parent_of(v, v.snap->current);
  if (p < 0) return;
  LabCommand c;
  c.kind = CmdKind::Goto;
  c.node = p;
  v.send(c);
}

void redo(ViewState& v) {
  // Forward along the path last walked (kept while scrubbing), else to the newest child.
  const int cur = v.snap->current;
  int next = -1;
  for (size_t i = 0; i + 1 < v.tip_path.size(); ++i)
    if (v.tip_path[i] == cur) next = v.tip_path[i + 1];
  const auto& h = v.snap->history;
  for (int i = int(h.size()) - 1; next < 0 && i > cur; --i)  // the newest child (children follow their parent)
    if (h[i].parent == cur) next = h[i].id;
  if (next < 0) return;
  LabCommand c;
  c.kind = CmdKind::Goto;
  c.node = next;
  v.send(c);
}

void handle_shortcuts(ViewState& v) {
  ImGuiIO& io = ImGui::GetIO();
  auto simple = [&](CmdKind k, bool measure = false) {
    LabCommand c;
    c.kind = k;
    v.send(c, measure);
  };
  for (const auto& k : v.keys) {
    const bool ctrl = k.mods & GLFW_MOD_CONTROL, shift = k.mods & GLFW_MOD_SHIFT;
    if (k.key == GLFW_KEY_F12) v.dump_requested = true;
    else if (k.key == GLFW_KEY_F1 && !k.repeat) v.show_help = !v.show_help;
    else if (k.key == GLFW_KEY_F3 && !k.repeat) v.raise_or_close(v.show_effect, v.front_effect, v.raise_effect);
    else if (k.key == GLFW_KEY_F4 && !k.repeat) v.raise_or_close(v.show_evolution, v.front_evolution, v.raise_evolution);
    else if (k.key == GLFW_KEY_F5 && !k.repeat) v.raise_or_close(v.show_training, v.front_training, v.raise_training);
    else if (ctrl && k.key == GLFW_KEY_O) v.show_open = true;
    else if (ctrl && k.key == GLFW_KEY_Q) v.quit = true;
    else if (ctrl && k.key == GLFW_KEY_E) v.show_export = true;
    else if (io.WantTextInput) continue;  // typing (and Ctrl+Z) in a text box is not a command
    else if (ctrl && k.key == GLFW_KEY_Z) shift ? redo(v) : undo(v);
    else if (ctrl && k.key == GLFW_KEY_Y) redo(v);
    else if (ctrl || (k.mods & GLFW_MOD_ALT)) continue;
    else if (k.key == GLFW_KEY_S) simple(CmdKind::Step);
    else if (k.key == GLFW_KEY_LEFT) undo(v);
    else if (k.key == GLFW_KEY_RIGHT) redo(v);
    else if (k.repeat) continue;
    else if (k.key == GLFW_KEY_SPACE) simple(v.snap->playing ? CmdKind::Pause : CmdKind::Play);
    else if (k.key == GLFW_KEY_C) simple(CmdKind::Converge);
    else if (k.key == GLFW_KEY_N) simple(CmdKind::CollapseNext, true);
    else if (k.key == GLFW_KEY_M) simple(CmdKind::Mint, true);
    else if (k.key == GLFW_KEY_U) v.units = Units((int(v.units) + 1) % 3);
    else if (k.key == GLFW_KEY_R) {
      LabCommand c;
      c.kind = CmdKind::Reset;
      c.text = v.prompt;
      v.send(c, true);
    }
  }
}

}  // namespace wfc::viz
