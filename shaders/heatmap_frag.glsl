#version 330 core
// Spacetime: entropy over iteration (down) x position (across). The data texture is a ring both
// ways: row r of the view is texture row (u_start + r) mod capacity, position p is column
// p mod capacity. R: 0 outside the window, else 1 + 254 * entropy / max. G: the first future row.
in vec2 v_uv;
uniform sampler2D u_data;
uniform float u_rows, u_start, u_cap_rows;   // rows shown, ring start, ring capacity
uniform float u_first, u_cols, u_cap_cols;   // first position (mod capacity), positions shown, capacity
uniform float u_line;                        // boundary thickness as a share of a column
uniform float u_gamma;                       // viz/theme.h kHeatGamma (heat_colour)
uniform vec4 u_paper;
uniform vec4 u_ink;
uniform vec4 u_accent;
uniform vec4 u_outside;
out vec4 frag;
void main() {
  float r = floor(v_uv.y * u_rows), c = floor(v_uv.x * u_cols);
  vec2 at = vec2((mod(u_first + c, u_cap_cols) + 0.5) / u_cap_cols, (mod(u_start + r, u_cap_rows) + 0.5) / u_cap_rows);
  vec2 d = texture(u_data, at).rg * 255.0;
  // The boundary: a thin line on the left edge of the first future column.
  if (d.g > 127.0 && fract(v_uv.x * u_cols) < u_line) { frag = u_accent; return; }
  // Outside the window: the background. Inside: from the grid tone (certain) to ink (uniform).
  if (d.r < 0.5) { frag = u_paper; return; }
  float t = pow(clamp((d.r - 1.0) / 254.0, 0.0, 1.0), u_gamma);
  frag = vec4(mix(u_outside.rgb, u_ink.rgb, t), 1.0);
}
