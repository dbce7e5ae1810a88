// The collapse popup: what a click on a future row offers (full, partial, pin, release); and the
// edit popup: a past row replaced by other tokens, a counterfactual the future re-converges to.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "viz/windows.h"

namespace wfc::viz {

void open_collapse_popup(ViewState& v, int row) {
  v.popup_row = row;
  v.popup_abs = v.snap->offset + row;
  v.partial_choice = 0;  // a new row: partial toward its best again
  ImGui::OpenPopup("collapse");
}

void draw_collapse_popup(ViewState& v) {
  if (!ImGui::BeginPopup("collapse")) return;
  const auto& s = *v.snap;
  const auto& c = s.cur;
  const int row = int(v.popup_abs - s.offset);
  if (row < c.n_past || row >= c.length) {
    ImGui::TextDisabled("position %lld is no longer in the future", (long long)v.popup_abs);
    if (ImGui::Button("close")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  const auto st = RowStatus(c.status[row]);
  ImGui::Text("position %lld", (long long)v.popup_abs);
  ImGui::SameLine();
  ImGui::TextDisabled("%s, entropy %.2f %s", status_name(st), to_units(c.entropy[row], v.units),
                      v.units == Units::Options ? "options" : units_name(v.units));
  ImGui::Separator();
  auto cmd = [&](CmdKind k) {  // the absolute position: right however the window slides meanwhile
    LabCommand m;
    m.kind = k;
    m.pos = v.popup_abs;
    return m;
  };
  if (st != RowStatus::Collapsed) {
    const std::string best = "Collapse to '" + row_text(v, row) + "'";
    if (ImGui::Button(best.c_str())) {
      v.send(cmd(CmdKind::Collapse), true);
      ImGui::CloseCurrentPopup();
    }
    v.remember("collapse_argmax");
    ImGui::SameLine();
    if (ImGui::Button("Sample")) {
      LabCommand m = cmd(CmdKind::Collapse);
      m.pick = Pick::Sample;
      v.send(m, true);
      ImGui::CloseCurrentPopup();
    }
    v.remember("collapse_sample");
    ImGui::TextDisabled("or pick a token:");
    for (int j = 0; j < c.k; ++j) {
      const int id = c.topk_ids[size_t(row) * c.k + j];
      const float p = c.topk_probs[size_t(row) * c.k + j];
      if (topk_filler(p)) break;  // sorted: no guesses after it
      char label[160];
      std::snprintf(label, sizeof label, "%5.1f%%  '%s'##tok%d", 100 * p, token_piece(s, id).c_str(), j);
      if (ImGui::Selectable(label)) {
        LabCommand m = cmd(CmdKind::Collapse);
        m.pick = Pick::Token;
        m.token = id;
        v.send(m, true);
        ImGui::CloseCurrentPopup();
      }
    }
    // Collapse to anything: the text is tokenised and rows from here on take its tokens, one each.
    ImGui::TextDisabled("or type a word or phrase (its tokens fill rows %lld, %lld, ...):", (long long)v.popup_abs,
                        (long long)v.popup_abs + 1);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s", v.collapse_text.c_str());
    ImGui::SetNextItemWidth(220);
    if (ImGui::InputText("##collapse_text", buf, sizeof buf)) v.collapse_text = buf;
    v.remember("collapse_text_box");
    ImGui::SameLine();
    if (ImGui::Button("Collapse to text") && !v.collapse_text.empty()) {
      LabCommand m = cmd(CmdKind::CollapseText);
      m.text = v.collapse_text;
      v.send(m, true);
      ImGui::CloseCurrentPopup();
    }
    v.remember("collapse_text");
    ImGui::Separator();
    // Partial collapse toward any of the row's top tokens (the best by default).
    v.partial_choice = std::clamp(v.partial_choice, 0, std::max(0, c.k - 1));
    const int toward = c.k > 0 ? c.topk_ids[size_t(row) * c.k + v.partial_choice] : -1;
    ImGui::TextDisabled("partial: (1-a) p + a onehot(token)");
    ImGui::SetNextItemWidth(220);
    if (ImGui::BeginCombo("toward", ("'" + token_piece(s, toward) + "'").c_str())) {
      for (int j = 0; j < c.k; ++j) {
        char label[160];
        std::snprintf(label, sizeof label, "%5.1f%%  '%s'##toward%d", 100 * c.topk_probs[size_t(row) * c.k + j],
                      token_piece(s, c.topk_ids[size_t(row) * c.k + j]).c_str(), j);
        if (ImGui::Selectable(label, j == v.partial_choice)) v.partial_choice = j;
      }
      ImGui::EndCombo();
    }
    ImGui::SetNextItemWidth(180);
    ImGui::SliderFloat("alpha", &v.partial_alpha, 0.05f, 1.0f, "%.2f");
    ImGui::Checkbox("hold for", &v.partial_timed);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("iterations", &v.partial_hold_n);
    if (v.partial_hold_n < 1) v.partial_hold_n = 1;
    if (!v.partial_timed) ImGui::TextDisabled("held until released");
    if (ImGui::Button("Partial collapse")) {
      LabCommand m = cmd(CmdKind::CollapsePartial);
      m.alpha = v.partial_alpha;
      m.token = toward;
      m.hold = v.partial_timed ? v.partial_hold_n : 0;
      v.send(m, true);
      ImGui::CloseCurrentPopup();
    }
    v.remember("collapse_partial");
    ImGui::Separator();
  } else {
    ImGui::Text("collapsed to '%s'", row_text(v, row).c_str());
  }
  if (st == RowStatus::Free) {
    if (ImGui::Button("Pin as it is")) {
      v.send(cmd(CmdKind::Pin), true);
      ImGui::CloseCurrentPopup();
    }
  }
  if (st == RowStatus::Partial || st == RowStatus::Pinned) {
    if (ImGui::Button("Release")) {
      v.send(cmd(CmdKind::Release), true);
      ImGui::CloseCurrentPopup();
    }
    v.remember("release");
  }
  ImGui::EndPopup();
}

void open_edit_popup(ViewState& v, int row) {
  v.popup_row = row;
  v.popup_abs = v.snap->offset + row;
  v.edit_text.clear();  // a new position: an empty box, not the last one's phrase
  v.edit_hint = false;
  ImGui::OpenPopup("edit past");
}

void draw_edit_popup(ViewState& v) {
  if (!ImGui::BeginPopup("edit past")) return;
  const auto& s = *v.snap;
  const int row = int(v.popup_abs - s.offset);
  if (row < 0 || row >= s.cur.n_past) {
    ImGui::TextDisabled("position %lld is no longer in the window's past", (long long)v.popup_abs);
    if (ImGui::Button("close")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  ImGui::Text("position %lld: '%s'", (long long)v.popup_abs, row_text(v, row).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("past");
  ImGui::Separator();
  ImGui::TextDisabled("counterfactual: replace it (its tokens fill positions %lld, %lld, ...)", (long long)v.popup_abs,
                      (long long)v.popup_abs + 1);
  ImGui::TextDisabled("the future re-converges; What changed (F3) shows how it responded");
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", v.edit_text.c_str());
  ImGui::SetNextItemWidth(220);
  const bool enter = ImGui::InputText("##edit_text", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue);
  v.edit_text = buf;
  v.remember("edit_text_box");
  ImGui::SameLine();
  const bool replace = ImGui::Button("Replace") || enter;
  if (replace && v.edit_text.empty()) v.edit_hint = true;
  if (replace && !v.edit_text.empty()) {
    v.edit_hint = false;
    LabCommand m;
    m.kind = CmdKind::EditPast;
    m.pos = v.popup_abs;
    m.text = v.edit_text;
    v.send(m, true);
    ImGui::CloseCurrentPopup();
  }
  v.remember("edit_replace");
  if (v.edit_hint) ImGui::TextDisabled("type a word or phrase first");
  ImGui::EndPopup();
}

}  // namespace wfc::viz
