// What every SVG the project writes (frames, training figures) spells the same way: escaped text
// and colours as #rrggbb.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>

#include "viz/theme.h"

namespace wfc::viz {

inline std::string svg_escape(const std::string& t) {
  std::string o;
  for (char c : t) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

inline std::string svg_colour(const Rgba& c) {
  char b[8];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", int(std::lround(c.r * 255)), int(std::lround(c.g * 255)), int(std::lround(c.b * 255)));
  return b;
}

}  // namespace wfc::viz
