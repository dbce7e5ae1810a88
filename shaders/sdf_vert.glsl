#version 330 core
// Quads in pixel space (y down) carrying a shape in local pixel coordinates: the fragment shader
// turns the shape's signed distance into anti-aliased coverage.
layout(location = 0) in vec2 a_pos;     // pixels
layout(location = 1) in vec2 a_local;   // pixels from the shape's centre (line: along, across)
layout(location = 2) in vec4 a_color;
layout(location = 3) in vec4 a_shape;   // size params x, y, z and the shape kind in w
uniform vec2 u_size;                    // target size in pixels
out vec2 v_local;
out vec4 v_color;
out vec4 v_shape;
void main() {
  v_local = a_local;
  v_color = a_color;
  v_shape = a_shape;
  gl_Position = vec4(2.0 * a_pos.x / u_size.x - 1.0, 1.0 - 2.0 * a_pos.y / u_size.y, 0.0, 1.0);
}
