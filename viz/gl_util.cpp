#include "viz/gl_util.h"

#include <algorithm>
#include <stdexcept>

namespace wfc::viz {

void gl_delete(GlKind k, GLuint n) {
  switch (k) {
    case GlKind::Shader: glDeleteShader(n); break;
    case GlKind::Program: glDeleteProgram(n); break;
    case GlKind::Buffer: glDeleteBuffers(1, &n); break;
    case GlKind::VertexArray: glDeleteVertexArrays(1, &n); break;
    case GlKind::Texture: glDeleteTextures(1, &n); break;
    case GlKind::Framebuffer: glDeleteFramebuffers(1, &n); break;
  }
}

GlBuffer gen_buffer() {
  GLuint n = 0;
  glGenBuffers(1, &n);
  return GlBuffer(n);
}

GlVertexArray gen_vertex_array() {
  GLuint n = 0;
  glGenVertexArrays(1, &n);
  return GlVertexArray(n);
}

GlTexture gen_texture() {
  GLuint n = 0;
  glGenTextures(1, &n);
  return GlTexture(n);
}

static GlShader compile(GLenum kind, const char* src, const std::string& name) {
  GlShader s(glCreateShader(kind));
  const GLuint id = s.get();
  glShaderSource(id, 1, &src, nullptr);
  glCompileShader(id);
  GLint ok = 0;
  glGetShaderiv(id, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetShaderInfoLog(id, sizeof log, nullptr, log);
    throw std::runtime_error("shader " + name + ": " + log);
  }
  return s;
}

GlProgram make_program(const char* vert_src, const char* frag_src, const std::string& name) {
  GlShader v = compile(GL_VERTEX_SHADER, vert_src, name + " (vertex)");
  GlShader f = compile(GL_FRAGMENT_SHADER, frag_src, name + " (fragment)");
  GlProgram p(glCreateProgram());
  glAttachShader(p.get(), v.get());
  glAttachShader(p.get(), f.get());
  glLinkProgram(p.get());
  GLint ok = 0;
  glGetProgramiv(p.get(), GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetProgramInfoLog(p.get(), sizeof log, nullptr, log);
    throw std::runtime_error("shader " + name + ": " + log);
  }
  return p;
}

void Framebuffer::resize(int width, int height) {
  width = width < 1 ? 1 : width;
  height = height < 1 ? 1 : height;
  if (fbo_ && width == w_ && height == h_) return;
  // Built aside and swapped in only once complete: a failure leaves this one as it was.
  GlTexture tex = gen_texture();
  glBindTexture(GL_TEXTURE_2D, tex.get());
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  GLuint f = 0;
  glGenFramebuffers(1, &f);
  GlFramebuffer fbo(f);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo.get());
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex.get(), 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE)
    throw std::runtime_error("framebuffer " + std::to_string(width) + "x" + std::to_string(height) + " incomplete (status " +
                             std::to_string(status) + ")");
  fbo_ = std::move(fbo);
  tex_ = std::move(tex);
  w_ = width;
  h_ = height;
}

void Framebuffer::bind() const {
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
  glViewport(0, 0, w_, h_);
}

void Framebuffer::release() {
  fbo_.reset();
  tex_.reset();
  w_ = h_ = 0;
}

std::vector<unsigned char> Framebuffer::read_rgba() const {
  std::vector<unsigned char> px(size_t(w_) * h_ * 4), out(px.size());
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w_, h_, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  for (int y = 0; y < h_; ++y)  // GL's first row is the bottom one
    std::copy(px.begin() + size_t(h_ - 1 - y) * w_ * 4, px.begin() + size_t(h_ - y) * w_ * 4, out.begin() + size_t(y) * w_ * 4);
  return out;
}

}  // namespace wfc::viz
