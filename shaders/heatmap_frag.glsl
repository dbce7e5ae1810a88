#version 330 core
// Spacetime: entropy (R, nats; < 0 where the position was outside the window) over iteration x
// position. G marks the first future row of each iteration: the past/future boundary.
in vec2 v_uv;
uniform sampler2D u_data;
uniform float u_max;        // entropy mapped to full ink
uniform vec4 u_paper;
uniform vec4 u_ink;
uniform vec4 u_accent;
uniform vec4 u_outside;
uniform float u_cols;       // texture columns (positions)
uniform float u_line;       // boundary thickness as a share of a column
out vec4 frag;
void main() {
  vec2 d = texture(u_data, v_uv).rg;
  // The boundary: a thin line on the left edge of the first future column.
  if (d.g > 0.5 && fract(v_uv.x * u_cols) < u_line) { frag = u_accent; return; }
  if (d.r < 0.0) { frag = u_outside; return; }
  float t = pow(clamp(d.r / u_max, 0.0, 1.0), 0.75);
  frag = vec4(mix(u_paper.rgb, u_ink.rgb, t), 1.0);
}
