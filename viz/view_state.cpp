#include "viz/view_state.h"

#include <imgui.h>

#include <cmath>

namespace wfc::viz {

uint64_t ViewState::send(LabCommand c, bool measure) {
  const uint64_t id = backend->send(std::move(c));
  if (measure) awaiting.emplace_back(id, now);
  return id;
}

void ViewState::remember(const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rects[name] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
}

double to_units(double nats, Units u) {
  switch (u) {
    case Units::Nats: return nats;
    case Units::Bits: return nats / std::log(2.0);
    case Units::Options: return std::exp(nats);
  }
  return nats;
}

const char* units_name(Units u) {
  switch (u) {
    case Units::Nats: return "nats";
    case Units::Bits: return "bits";
    case Units::Options: return "options exp(H)";
  }
  return "";
}

}  // namespace wfc::viz
