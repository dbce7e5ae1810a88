// Export from the lab: the current view as PNG or SVG at a chosen size, a frame sequence recorded
// while the model runs, and the session so far as a script `wfc export` replays.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "viz/data_out.h"
#include "viz/frame_composer.h"
#include "viz/training_figure.h"
#include "viz/windows.h"

namespace wfc::viz {

namespace fs = std::filesystem;

static void path_box(const char* id, std::string& s) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", s.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText(id, buf, sizeof buf)) s = buf;
}

// data_NNN.csv and data_NNN.json in the export directory, from the snapshot shown.
void save_data(ViewState& v) {
  if (!v.snap || !v.snap->loaded) {
    v.export_msg = "error: no checkpoint is open";
    return;
  }
  std::error_code ec;
  fs::create_directories(v.export_dir, ec);
  if (ec) {
    v.export_msg = "error: " + v.export_dir + ": " + ec.message();
    return;
  }
  const auto& s = *v.snap;
  const auto* vocab = s.vocab.get();
  nlohmann::json j = rows_json(s.cur, s.offset, vocab);
  j["checkpoint"] = s.checkpoint;
  j["log_vocab"] = s.log_vocab;
  j["last_collapse"] = s.last_collapse;
  char name[32];
  std::snprintf(name, sizeof name, "data_%03d", ++v.data_seq);
  const std::string base = v.export_dir + "/" + name;
  std::string err;
  const bool ok = write_text_file(base + ".csv", rows_csv(s.cur, s.offset, vocab), &err) &&
                  write_text_file(base + ".json", json_text(j, 1) + "\n", &err);
  v.export_msg = ok ? "wrote " + base + ".csv and .json" : "error: " + err;
}

void draw_export(ViewState& v) {
  if (!v.show_export) return;
  ImGui::SetNextWindowSize(ImVec2(460, 470), ImGuiCond_FirstUseEver);
  ImGui::Begin("Export", &v.show_export);
  ImGui::TextDisabled("FRAMES (presentation look by default)");
  ImGui::RadioButton("PNG", &v.export_format, 0);
  ImGui::SameLine();
  ImGui::RadioButton("SVG", &v.export_format, 1);
  ImGui::SameLine(0, 30);
  int light = v.export_light ? 0 : 1;
  ImGui::RadioButton("light", &light, 0);
  ImGui::SameLine();
  ImGui::RadioButton("dark", &light, 1);
  v.export_light = light == 0;
  const char* sizes[] = {"1280x720", "1920x1080", "2560x1440", "3840x2160"};
  const int sw[] = {1280, 1920, 2560, 3840}, sh[] = {720, 1080, 1440, 2160};
  for (int i = 0; i < 4; ++i) {
    if (i) ImGui::SameLine();
    if (ImGui::RadioButton(sizes[i], v.export_w == sw[i] && v.export_h == sh[i])) {
      v.export_w = sw[i];
      v.export_h = sh[i];
    }
  }
  ImGui::SetNextItemWidth(200);
  int wh[2] = {v.export_w, v.export_h};
  if (ImGui::InputInt2("size", wh)) {
    v.export_w = std::clamp(wh[0], 320, 8192);
    v.export_h = std::clamp(wh[1], 200, 8192);
  }
  ImGui::Checkbox("token strip", &v.export_tokens);
  ImGui::SameLine();
  ImGui::Checkbox("spacetime", &v.export_spacetime);
  ImGui::TextDisabled("into directory");
  path_box("##dir", v.export_dir);
  if (ImGui::Button("Export current view")) v.export_now = true;
  v.remember("export_view");
  ImGui::SameLine();
  if (ImGui::Button(v.recording ? "Stop recording" : "Record frames")) {
    v.recording = !v.recording;
    v.recorded_version = 0;
    if (v.recording) v.recorded = 0;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a frame for every new state while the model runs");
  if (v.recording) ImGui::Text("recording: %d frames", v.recorded);
  ImGui::Separator();
  ImGui::TextDisabled("DATA (the window now: rows, statuses, entropy, top-k with token text)");
  if (ImGui::Button("Save data (CSV + JSON)")) save_data(v);
  v.remember("save_data");
  ImGui::Separator();
  ImGui::TextDisabled("SESSION SCRIPT (replay: wfc export --script FILE)");
  path_box("##script", v.script_path);
  if (ImGui::Button("Save session script")) {
    std::string err;
    try {
      const std::string text = v.backend->script().get();  // waits for the iteration under way
      v.export_msg = write_text_file(v.script_path, text, &err) ? "saved " + v.script_path : "error: " + err;
    } catch (const std::exception& e) {
      v.export_msg = std::string("error: ") + e.what();
    }
  }
  v.remember("save_script");
  if (!v.export_msg.empty()) ImGui::TextWrapped("%s", v.export_msg.c_str());
  ImGui::End();
}

// The Training window's plots as a figure in the frames' look (viz/training_figure.h), at the
// export size and paper the Export window sets.
static void export_training(ViewState& v) {
  const bool svg = v.export_training == 2;
  v.export_training = 0;
  std::error_code ec;
  fs::create_directories(v.export_dir, ec);
  if (ec) {
    v.training_msg = "error: " + v.export_dir + ": " + ec.message();
    return;
  }
  FrameStyle st;
  st.w = v.export_w;
  st.h = v.export_h;
  st.light = v.export_light;
  st.title = "wfc: training";
  std::string runs;
  for (const auto& r : v.runs) runs += (runs.empty() ? "" : ", ") + fs::path(r.dir).filename().string();
  st.subtitle = runs;
  const Figure f = training_figure(v.runs, st);
  char name[64];
  std::snprintf(name, sizeof name, "training_%03d.%s", ++v.training_seq[svg], svg ? "svg" : "png");
  const std::string path = v.export_dir + "/" + name;
  std::string err;
  if (!svg && !v.composer) v.composer = std::make_unique<FrameComposer>();
  const bool ok = svg ? write_text_file(path, figure_svg(f), &err) : write_png(path, v.composer->render(f), f.w, f.h, &err);
  v.training_msg = ok ? "wrote " + path : "error: " + err;
  if (ok) v.training_exported = path;
}

void run_exports(ViewState& v) {
  if (v.export_training) export_training(v);
  if (!v.export_now && !(v.recording && v.snap->version != v.recorded_version)) return;
  std::error_code ec;
  fs::create_directories(v.export_dir, ec);
  if (ec) {
    v.export_msg = "error: " + v.export_dir + ": " + ec.message();
    v.export_now = v.recording = false;
    return;
  }
  if (!v.composer) v.composer = std::make_unique<FrameComposer>();
  FrameStyle st;
  st.w = v.export_w;
  st.h = v.export_h;
  st.light = v.export_light;
  st.tokens = v.export_tokens;
  st.spacetime = v.export_spacetime;
  st.units = v.units;
  st.focus = v.focus;
  st.title = "wfc: " + fs::path(v.snap->checkpoint).filename().string();
  st.subtitle = "iteration " + std::to_string(v.snap->cur.iteration) + "   past " +
                std::to_string(v.snap->offset + v.snap->cur.n_past) + " tokens   future " +
                std::to_string(v.snap->cur.length - v.snap->cur.n_past) + " rows";
  char name[64];
  const bool rec = !v.export_now;
  const bool svg = v.export_format == 1;
  if (rec) std::snprintf(name, sizeof name, "rec_%05d.%s", ++v.recorded, svg ? "svg" : "png");
  else std::snprintf(name, sizeof name, "view_%03d.%s", ++v.export_seq, svg ? "svg" : "png");
  const std::string path = v.export_dir + "/" + name;
  std::string err;
  const bool ok = svg ? write_text_file(path, frame_svg(*v.snap, st), &err)
                      : write_png(path, v.composer->render(*v.snap, st), st.w, st.h, &err);
  v.export_msg = ok ? "wrote " + path : "error: " + err;
  if (!ok) v.recording = false;
  v.export_now = false;
  v.recorded_version = v.snap->version;
}

}  // namespace wfc::viz
