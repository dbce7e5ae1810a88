// Small OpenGL helpers: owning handles for GL names, programs from the embedded shaders, and a
// colour framebuffer the views draw into (the texture is what the lab shows and export reads back).
// Every GL name has exactly one owner: the handles are move-only and delete their name once.
#pragma once
#include <epoxy/gl.h>

#include <string>
#include <utility>
#include <vector>

namespace wfc::viz {

enum class GlKind { Shader, Program, Buffer, VertexArray, Texture, Framebuffer };
void gl_delete(GlKind k, GLuint name);  // glDelete* for the kind

// One GL name, deleted when the handle dies or is reset. Needs the owning context current then.
template <GlKind K>
class GlName {
 public:
  GlName() = default;
  explicit GlName(GLuint name) : name_(name) {}
  ~GlName() { reset(); }
  GlName(GlName&& o) noexcept : name_(std::exchange(o.name_, 0)) {}
  GlName& operator=(GlName&& o) noexcept {
    if (this != &o) reset(std::exchange(o.name_, 0));
    return *this;
  }
  GlName(const GlName&) = delete;
  GlName& operator=(const GlName&) = delete;
  GLuint get() const { return name_; }
  explicit operator bool() const { return name_ != 0; }
  void reset(GLuint name = 0) {
    if (name_) gl_delete(K, name_);
    name_ = name;
  }

 private:
  GLuint name_ = 0;
};
using GlShader = GlName<GlKind::Shader>;
using GlProgram = GlName<GlKind::Program>;
using GlBuffer = GlName<GlKind::Buffer>;
using GlVertexArray = GlName<GlKind::VertexArray>;
using GlTexture = GlName<GlKind::Texture>;
using GlFramebuffer = GlName<GlKind::Framebuffer>;
GlBuffer gen_buffer();
GlVertexArray gen_vertex_array();
GlTexture gen_texture();

// Compiles and links; throws std::runtime_error with the shader log (nothing leaks on a throw).
GlProgram make_program(const char* vert_src, const char* frag_src, const std::string& name);

// A colour texture and the framebuffer drawing into it. Move-only.
class Framebuffer {
 public:
  // (Re)allocates when the size changes. Strong guarantee: on a throw the old framebuffer is
  // intact and the default framebuffer is bound.
  void resize(int width, int height);
  void bind() const;  // binds and sets the viewport
  void release();
  // RGBA8 pixels, top row first (read back from the texture).
  std::vector<unsigned char> read_rgba() const;
  GLuint tex() const { return tex_.get(); }
  int w() const { return w_; }
  int h() const { return h_; }

 private:
  GlFramebuffer fbo_;
  GlTexture tex_;
  int w_ = 0, h_ = 0;
};

}  // namespace wfc::viz
