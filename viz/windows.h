// One draw function per window (each in its own win_*.cpp), all reading the frame's snapshot from
// the ViewState and sending commands through it.
#pragma once
#include <imgui.h>  // IM_FMTARGS

#include "viz/view_state.h"

namespace wfc::viz {

void draw_menu(ViewState& v);
void draw_controls(ViewState& v);
void draw_plot(ViewState& v);
void draw_tokens(ViewState& v);
void draw_spacetime(ViewState& v);
void draw_convergence(ViewState& v);
void draw_history(ViewState& v);
void draw_help(ViewState& v);
void draw_open(ViewState& v);
void draw_status(ViewState& v);
void draw_export(ViewState& v);
void draw_effect(ViewState& v);                       // what the last collapse changed (LabSnapshot::effect)
void draw_evolution(ViewState& v);                    // one row's top tokens across iterations (viz/row_evolution.h)
void draw_training(ViewState& v);                     // runs' metrics.jsonl, live (viz/run_metrics.h)
void add_run(ViewState& v, const std::string& dir);   // plot this run too (and show the window)
void run_exports(ViewState& v);  // after the frame: writes what draw_export asked for
void save_data(ViewState& v);    // the window now as CSV + JSON with token text (viz/data_out.h)
void handle_shortcuts(ViewState& v);

// Shared pieces.
void row_tooltip(ViewState& v, int row);          // token, top-k, entropy, update of a window row
void open_collapse_popup(ViewState& v, int row);  // the popup a click on a future row opens
void draw_collapse_popup(ViewState& v);
void open_edit_popup(ViewState& v, int row);      // the popup a click on a past row opens (a counterfactual)
void draw_edit_popup(ViewState& v);
// A floating window opened on demand (What changed, Row evolution, Training): its first size and
// place, the F-key's raise request, and whether it is in front (ViewState::raise_or_close).
void begin_tool_window(ViewState& v, const char* title, bool& shown, bool& raise, bool& front, float w, float h,
                       float dx, float dy);
void place_window(ViewState& v, float x, float y, float w, float h);  // fractions of the work area
// A heading in the muted colour, wrapped at the window's width (printf-style): nothing is cut off
// when a column is 20 em wide at 1280 px.
void muted_wrapped(const char* fmt, ...) IM_FMTARGS(1);
void undo(ViewState& v);
void redo(ViewState& v);
std::string row_text(const ViewState& v, int row);  // the token (past) or best guess (future)
// Height of the error banner that shows every wrapped line of msg and its dismiss button at a
// width (capped at 8 lines; it scrolls past that). Needs a current ImGui frame.
float error_banner_height(const std::string& msg, float outer_w);

}  // namespace wfc::viz
