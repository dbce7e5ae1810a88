#version 330 core
// Shapes by signed distance (pixels), one pixel of anti-aliasing at every edge.
//   0 capsule (a line segment): x = half length, y = half width
//   1 disc: x = radius
//   2 ring: x = radius, y = stroke
//   3 ring filled from the bottom: x = radius, y = stroke, z = filled share (partial collapse)
//   4 square outline with a dot: x = half side, y = stroke, z = dot radius share (a pinned row)
in vec2 v_local;
in vec4 v_color;
in vec4 v_shape;
out vec4 frag;
float cover(float d) { return clamp(0.5 - d, 0.0, 1.0); }
void main() {
  int kind = int(v_shape.w + 0.5);
  float a = 0.0;
  if (kind == 0) {
    vec2 q = vec2(max(abs(v_local.x) - v_shape.x, 0.0), v_local.y);
    a = cover(length(q) - v_shape.y);
  } else if (kind == 1) {
    a = cover(length(v_local) - v_shape.x);
  } else if (kind == 2) {
    float r = length(v_local);
    a = cover(abs(r - v_shape.x + 0.5 * v_shape.y) - 0.5 * v_shape.y);
  } else if (kind == 3) {
    float r = length(v_local);
    float ring = cover(abs(r - v_shape.x + 0.5 * v_shape.y) - 0.5 * v_shape.y);
    float level = v_shape.x - 2.0 * v_shape.x * v_shape.z;       // y down: fill rises from the bottom
    float fill = cover(r - v_shape.x) * cover(level - v_local.y);
    a = max(ring, fill);
  } else {
    vec2 q = abs(v_local);
    float box = abs(max(q.x, q.y) - v_shape.x + 0.5 * v_shape.y) - 0.5 * v_shape.y;
    a = max(cover(box), cover(length(v_local) - v_shape.z * v_shape.x));
  }
  frag = vec4(v_color.rgb, v_color.a * a);
}
