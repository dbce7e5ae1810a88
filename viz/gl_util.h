// Small OpenGL helpers: programs from the embedded shaders, and a colour framebuffer the views draw
// into (the texture is what the lab shows and what export reads back).
#pragma once
#include <epoxy/gl.h>

#include <string>
#include <vector>

namespace wfc::viz {

// Compiles and links; throws std::runtime_error with the shader log.
GLuint make_program(const char* vert_src, const char* frag_src, const std::string& name);

struct Framebuffer {
  GLuint fbo = 0, tex = 0;
  int w = 0, h = 0;
  void resize(int width, int height);  // (re)allocates when the size changes
  void bind() const;                   // binds and sets the viewport
  void release();
  ~Framebuffer() { release(); }
  // RGBA8 pixels, top row first (read back from the texture).
  std::vector<unsigned char> read_rgba() const;
};

}  // namespace wfc::viz
