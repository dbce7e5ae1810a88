#include "viz/headless_gl.h"

#include "viz/keep_libraries.h"

#include <epoxy/egl.h>

#include <stdexcept>
#include <string>

namespace wfc::viz {

static std::runtime_error egl_error(const char* step) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%04x", eglGetError());
  return std::runtime_error(std::string("headless OpenGL: ") + step + " failed (EGL error " + b + ")");
}

HeadlessGL::HeadlessGL() {
  EGLDisplay dpy = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  if (dpy == EGL_NO_DISPLAY) throw egl_error("eglGetPlatformDisplayEXT(surfaceless)");
  EGLint major = 0, minor = 0;
  if (!eglInitialize(dpy, &major, &minor)) throw egl_error("eglInitialize");
  display_ = dpy;
  if (!eglBindAPI(EGL_OPENGL_API)) throw egl_error("eglBindAPI(OpenGL)");
  // The default surface type is a window, which surfaceless has none of.
  const EGLint cfg_attr[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
  EGLConfig cfg;
  EGLint n = 0;
  if (!eglChooseConfig(dpy, cfg_attr, &cfg, 1, &n) || n < 1) throw egl_error("eglChooseConfig");
  const EGLint ctx_attr[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                             EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
  EGLContext ctx = eglCreateContext(dpy, cfg, EGL_NO_CONTEXT, ctx_attr);
  if (ctx == EGL_NO_CONTEXT) throw egl_error("eglCreateContext(3.3 core)");
  context_ = ctx;
  if (!eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) throw egl_error("eglMakeCurrent");
}

HeadlessGL::~HeadlessGL() {
  if (!display_) return;
  keep_loaded_libraries_for_leak_reports();  // before eglTerminate unloads the driver
  eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  if (context_) eglDestroyContext(display_, context_);
  eglTerminate(display_);
}

}  // namespace wfc::viz
