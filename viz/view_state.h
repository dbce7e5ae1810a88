// Everything the lab's UI remembers between frames (Tracy style: one struct, the draw functions
// read and write it; the model's state only ever arrives as a LabSnapshot).
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "viz/gl_util.h"
#include "viz/heatmap_renderer.h"
#include "viz/lab_data.h"
#include "viz/plot_renderer.h"
#include "viz/plot_scene.h"
#include "viz/run_metrics.h"
#include "viz/theme.h"

namespace wfc::viz {


struct Rect {
  float x = 0, y = 0, w = 0, h = 0;  // window pixels
  bool visible = true;               // wholly inside its window (not scrolled away, not cut off)
};

struct ViewState {
  LabBackend* backend = nullptr;
  std::shared_ptr<const LabSnapshot> snap;   // what this frame draws
  Palette pal;
  Units units = Units::Nats;
  bool focus = true;               // plot the future and the last `focus_past` past rows only
  int focus_past = 24;

  // Renderers and their targets (created once the GL context exists).
  std::unique_ptr<PlotRenderer> plot;
  std::unique_ptr<HeatmapRenderer> heat;
  Framebuffer plot_fb, heat_fb;
  PlotScene scene;                 // last scene drawn (hit-testing uses it)
  Rect plot_rect;                  // where the plot texture sits in the window
  uint64_t plot_key = 0;           // redraw only when the inputs change
  uint64_t heat_version = 0;
  HeatmapExtent heat_extent;
  Rect heat_rect;

  // Interaction.
  int hover = -1;                  // window row under the mouse (plot or token strip)
  int popup_row = -1;              // row the collapse popup acts on
  int64_t popup_abs = -1;          // its absolute position (the window may slide meanwhile)
  float partial_alpha = 0.5f;
  int partial_hold = 0;            // 0: until released
  bool partial_timed = false;
  int partial_hold_n = 5;
  std::vector<int> tip_path;       // history path kept while scrubbing (root .. tip)
  uint64_t kids_epoch = 0;         // the history the children lists below were built from
  std::vector<std::vector<int>> kids;  // children of each history node
  int history_shown = -1;          // the step the list last scrolled to
  std::string prompt = "The jury said that the";
  LabSettings settings;            // the controls' copy: the session's, with the edit under way
  LabSettings seen_settings;       // the session's settings as last seen in a snapshot
  uint64_t settings_cmd = 0;       // the settings edit sent and not yet handled
  bool settings_init = false;

  // Export (viz/win_export.cpp): the current view as PNG/SVG, a recorded sequence, the script.
  float layout_w = 0, layout_h = 0;  // the display size the saved layout was last checked against
  bool layout_was_reset = false;   // a saved layout did not fit the screen and was reset (state dump)
  bool show_export = false;
  bool show_effect = false;  // "What changed" (win_effect.cpp)
  // F3/F4/F5: a hidden window opens; one behind others comes to the front; the one in front closes.
  // front_* says the window was focused last frame; raise_* asks it to take the focus.
  bool front_effect = false, front_evolution = false, front_training = false;
  bool raise_effect = false, raise_evolution = false, raise_training = false;
  static void raise_or_close(bool& shown, bool front, bool& raise) {
    if (shown && front) {
      shown = false;
    } else {
      shown = true;
      raise = true;
    }
  }
  bool show_evolution = false;  // "Row evolution" (win_evolution.cpp)
  bool show_training = false;   // "Training" (win_training.cpp)
  int compare_points = 0;       // positions the comparison drew in the plot last frame (state dump)
  std::vector<RunMetrics> runs; // the runs it plots, re-read once a second
  double runs_polled_at = 0;
  std::string run_input;        // its "run directory" box
  int export_training = 0;      // 1: PNG, 2: SVG of its plots, after this frame (win_export.cpp)
  int training_seq[2] = {0, 0}; // training_NNN numbering, per format (PNG, SVG): a figure's two files share it
  std::string training_msg;     // what the last export wrote or why it failed
  std::string training_exported;  // the last file written (state dump)
  std::string collapse_text;    // the collapse popup's "collapse to text" box
  std::string edit_text;        // the past-token popup's "replace with" box
  bool edit_hint = false;       // Replace was pressed with the box empty
  bool preview = true;          // ring what the policy would collapse next (win_plot.cpp)
  std::vector<std::pair<int64_t, bool>> preview_rows;  // absolute position, partial: the last frame's
  int partial_choice = 0;       // the popup's partial collapse goes toward this top-k entry (0: the best)
  int64_t evo_pos = -1;         // the row it follows (absolute position); -1: the first future row
  int evo_points = 0, evo_tokens = 0;  // what it drew last (for the state dump)
  int export_format = 0;           // 0 png, 1 svg
  int export_w = 1920, export_h = 1080;
  bool export_light = true, export_spacetime = false, export_tokens = true;
  std::string export_dir = "wfc-export";
  std::string script_path = "wfc-session.txt";
  bool export_now = false;         // done after the frame is drawn, outside ImGui's frame
  bool recording = false;
  uint64_t recorded_version = 0;
  int export_seq = 0, recorded = 0, data_seq = 0;
  std::string export_msg;
  std::unique_ptr<class FrameComposer> composer;

  // Windows.
  bool show_help = false, show_open = false, show_info = false;
  bool reset_layout = false;
  bool quit = false;
  std::vector<std::string> sample_prompts;
  std::string open_path;
  std::vector<std::string> recent;  // newest first, at most 10: checkpoints that loaded, never ones that failed
  std::string recent_noted;         // the loaded checkpoint already at the front of `recent`
  void note_loaded(const std::string& path);
  std::string config_dir;          // imgui.ini and recent files live here ("" = not saved)
  uint64_t error_seen = 0;

  // Keys pressed since the last frame (key, mods, repeat), from our own GLFW callback: ImGui 1.86
  // loses a press whose release arrives in the same event batch (fast typists, xdotool).
  struct KeyPress {
    int key, mods;
    bool repeat;
  };
  std::vector<KeyPress> keys;
  std::vector<int> pressed_this_frame;
  struct Release {
    int key, scancode, mods;
  };
  std::vector<Release> held_releases;

  // Test hooks and measurements.
  std::map<std::string, Rect> rects;  // named widgets for the state dump
  std::string dump_path;
  bool dump_requested = false;
  std::vector<std::pair<uint64_t, double>> awaiting;  // command id, time sent (s) of clicks
  std::vector<double> click_latency_ms;
  std::vector<double> frame_ms;    // UI work per frame (building views, issuing our draws)
  std::vector<double> gl_ms;       // ImGui's draw submission and the swap (the driver's share)
  std::vector<double> frame_interval_ms;
  double last_frame_ms = 0;
  double now = 0;                  // seconds, this frame

  uint64_t send(LabCommand c, bool measure = false);
  void remember(const std::string& name);  // the last ImGui item's rectangle, for the dump
};


}  // namespace wfc::viz
