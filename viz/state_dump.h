// A plain-text dump of what the lab shows, for GUI tests: screen geometry of the plot's rows and
// of named buttons, and the model state of every window row. One "key values..." per line.
#pragma once
#include <string>

#include "viz/view_state.h"

namespace wfc::viz {

// Written atomically (temp file, rename); window_x/y: the window's position on the screen.
void write_state_dump(const ViewState& v, const std::string& path, int window_x, int window_y);

}  // namespace wfc::viz
