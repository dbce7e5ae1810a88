#version 330 core
// One quad covering the target; the texture holds one row per iteration.
layout(location = 0) in vec2 a_pos;   // 0..1
out vec2 v_uv;
void main() {
  v_uv = a_pos;
  gl_Position = vec4(2.0 * a_pos.x - 1.0, 1.0 - 2.0 * a_pos.y, 0.0, 1.0);
}
