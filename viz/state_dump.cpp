#include "viz/state_dump.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "model/atomic_write.h"

namespace wfc::viz {

void write_state_dump(const ViewState& v, const std::string& path, int wx, int wy) {
  std::ostringstream f;
  {
    const auto& s = *v.snap;
    const auto& c = s.cur;
    f << "version " << s.version << "\n";
    f << "window " << wx << " " << wy << "\n";
    f << "loaded " << s.loaded << "\n";
    f << "checkpoint " << s.checkpoint << "\n";
    f << "busy " << s.busy << "\n";
    f << "playing " << s.playing << "\n";
    f << "converged " << c.converged << "\n";
    f << "iteration " << c.iteration << "\n";
    f << "offset " << s.offset << "\n";
    f << "n_past " << c.n_past << "\n";
    f << "length " << c.length << "\n";
    f << "node " << s.current << "\n";
    f << "nodes " << s.history.size() << "\n";
    f << "converges " << s.converge_count << "\n";
    f << "last_converge_iters " << (s.converge_iters.empty() ? 0 : s.converge_iters.back()) << "\n";
    f << "last_collapse " << s.last_collapse << "\n";
    f << "error_seq " << s.error_seq << "\n";
    f << "error " << s.error << "\n";
    f << "popup_open " << (v.rects.count("collapse_argmax") ? 1 : 0) << "\n";
    f << "edit_popup_open " << (v.rects.count("edit_replace") ? 1 : 0) << "\n";
    f << "clicks_measured " << v.click_latency_ms.size() << "\n";
    // What the last collapse changed (win_effect.cpp).
    float eff_kl = 0;
    for (size_t i = 0; i < s.effect.kl.size() && i < s.effect.free_rows.size(); ++i)
      if (s.effect.free_rows[i]) eff_kl = std::max(eff_kl, s.effect.kl[i]);  // rows that responded
    f << "effect_pos " << s.effect.pos << "\n";
    f << "effect_edit " << s.effect.edit << "\n";
    f << "effect_rows " << s.effect.kl.size() << "\n";
    f << "effect_changed " << s.effect.changed.size() << "\n";
    f << "effect_max_kl " << eff_kl << "\n";
    f << "effect_shown " << v.show_effect << "\n";
    f << "data_saved " << v.data_seq << "\n";
    f << "preview";  // absolute positions the policy would collapse next
    for (const auto& pr : v.preview_rows) f << " " << pr.first;
    f << "\n";
    f << "evo_shown " << v.show_evolution << "\n";
    f << "training_shown " << v.show_training << "\n";
    f << "layout_reset " << v.layout_was_reset << "\n";
    f << "training_exported " << (v.training_exported.empty() ? "-" : v.training_exported) << "\n";
    f << "compare " << (s.compare ? s.compare->checkpoint : std::string("-")) << "\n";
    f << "compare_points " << v.compare_points << "\n";
    f << "compare_collapsed";  // absolute positions collapsed in the comparison (it followed the actions)
    if (s.compare)
      for (int i = 0; i < s.compare->cur.length; ++i)
        if (RowStatus(s.compare->cur.status[size_t(i)]) == RowStatus::Collapsed) f << " " << s.compare->offset + i;
    f << "\n";
    f << "compare_error " << (s.compare ? s.compare->error : std::string()) << "\n";
    for (const auto& r : v.runs)  // run DIR TRAIN_POINTS EVAL_POINTS BAD_LINES
      f << "run " << r.dir << " " << r.train.size() << " " << r.eval.size() << " " << r.bad_lines << "\n";
    f << "evo_pos " << v.evo_pos << "\n";
    f << "evo_points " << v.evo_points << "\n";
    f << "evo_tokens " << v.evo_tokens << "\n";
    // Screen coordinates of each row's marker in the plot (window pos + ImGui coords).
    const auto& sc = v.scene;
    // Rows left of a zoomed plot have no marker: their coordinates are -1.
    for (int i = 0; i < c.length; ++i) {
      const int k = i - sc.row0;
      const bool shown = k >= 0 && k < sc.rows();
      char b[256];
      std::snprintf(b, sizeof b, "row %d %.1f %.1f %s %.5f %.4f %d\n", i,
                    shown ? wx + v.plot_rect.x + sc.x_of(float(k)) : -1.0f,
                    shown ? wy + v.plot_rect.y + sc.y_of(sc.entropy[k]) : -1.0f, status_name(RowStatus(c.status[i])),
                    c.entropy[i], c.alpha[i], c.argmax[i]);
      f << b;
    }
    for (const auto& [name, r] : v.rects) {
      char b[256];
      std::snprintf(b, sizeof b, "rect %s %.1f %.1f %.1f %.1f %d\n", name.c_str(), wx + r.x, wy + r.y, r.w, r.h, int(r.visible));
      f << b;
    }
  }
  if (const std::string e = write_atomic(path, f.str()); !e.empty()) std::fprintf(stderr, "lab: %s\n", e.c_str());
}

}  // namespace wfc::viz
