// An OpenGL 3.3 core context with no window and no X server: EGL on Mesa's surfaceless platform
// (named explicitly: without it eglInitialize fails). Everything renders into framebuffer objects.
#pragma once
#include <memory>

namespace wfc::viz {

class HeadlessGL {
 public:
  HeadlessGL();  // throws std::runtime_error naming the EGL step that failed
  ~HeadlessGL();
  HeadlessGL(const HeadlessGL&) = delete;
  HeadlessGL& operator=(const HeadlessGL&) = delete;

 private:
  void* display_ = nullptr;
  void* context_ = nullptr;
};

}  // namespace wfc::viz
