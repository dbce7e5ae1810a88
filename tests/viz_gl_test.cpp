// GL lifetime, headless (EGL surfaceless, no X): frames composed twice at different sizes while
// another ImGui context (the lab's) is current; framebuffers that fail to resize; GL handles with one
// owner; the spacetime texture after its timeline was replaced.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include "viz/frame_composer.h"
#include "viz/gl_util.h"
#include "viz/headless_gl.h"
#include "viz/heatmap_renderer.h"
#include "viz/plot_renderer.h"
#include "viz_snapshot.h"

using namespace wfc;
using namespace wfc::viz;

namespace {

// The lab's side: its own ImGui context with the OpenGL backend, current, as in viz/lab.cpp.
struct LabContext {
  ImGuiContext* ctx;
  LabContext() {
    ctx = ImGui::CreateContext();
    ImGui::SetCurrentContext(ctx);
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::GetIO().Fonts->AddFontDefault();
    ImGui_ImplOpenGL3_Init("#version 330 core");
  }
  ~LabContext() {
    ImGui::SetCurrentContext(ctx);
    if (ImGui::GetIO().BackendRendererUserData) ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext(ctx);
  }
  // One frame of the lab, drawn through its backend.
  void frame() {
    ImGui::GetIO().DisplaySize = ImVec2(320, 200);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    ImGui::Begin("lab");
    ImGui::Text("still here");
    ImGui::End();
    ImGui::Render();
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  }
};

// An allocator that hands out the same block again as soon as it is freed (as malloc may).
alignas(64) unsigned char g_spot[1024];
bool g_spot_used = false;
template <class T>
struct SameSpot {
  using value_type = T;
  SameSpot() = default;
  template <class U>
  SameSpot(const SameSpot<U>&) {}
  T* allocate(size_t n) {
    if (g_spot_used || n * sizeof(T) > sizeof g_spot) return std::allocator<T>().allocate(n);
    g_spot_used = true;
    return reinterpret_cast<T*>(g_spot);
  }
  void deallocate(T* p, size_t n) {
    if (reinterpret_cast<unsigned char*>(p) == g_spot) g_spot_used = false;
    else std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const SameSpot<U>&) const { return true; }
  template <class U>
  bool operator!=(const SameSpot<U>&) const { return false; }
};

}  // namespace

// Defect: the second export at another size shut down the OpenGL backend of whichever ImGui context
// was current (the lab's) instead of the composer's own, and the lab's next frame segfaulted.
TEST(FrameComposer, ASecondSizeLeavesTheLabsContextAndRendererAlone) {
  HeadlessGL gl;
  LabContext lab;
  lab.frame();
  const auto s = test::small_snapshot();
  FrameComposer fc;
  FrameStyle st;
  st.w = 640, st.h = 360;
  EXPECT_EQ(fc.render(s, st).size(), size_t(640) * 360 * 4);
  EXPECT_EQ(ImGui::GetCurrentContext(), lab.ctx);
  st.w = 1280, st.h = 720;  // new font scale: the composer rebuilds its own context
  const auto px = fc.render(s, st);
  EXPECT_EQ(px.size(), size_t(1280) * 720 * 4);
  EXPECT_EQ(ImGui::GetCurrentContext(), lab.ctx);
  ASSERT_NE(ImGui::GetIO().BackendRendererUserData, nullptr) << "the lab's OpenGL backend was shut down";
  lab.frame();
  st.w = 800, st.h = 450;
  EXPECT_EQ(fc.render(s, st).size(), size_t(800) * 450 * 4);
  lab.frame();
  // The frame is drawn: the plot's paper and ink both appear.
  size_t dark = 0;
  for (size_t i = 0; i < px.size(); i += 4) dark += px[i] < 80;
  EXPECT_GT(dark, 1000u);
}

// Defect: resize released the old framebuffer first and threw with the half-built one bound.
TEST(Framebuffer, AFailedResizeKeepsTheOldOneAndBindsNothing) {
  HeadlessGL gl;
  Framebuffer fb;
  fb.resize(64, 32);
  const GLuint tex = fb.tex();
  GLint max = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max);
  EXPECT_THROW(fb.resize(max * 4, 4), std::runtime_error);
  EXPECT_EQ(fb.tex(), tex);
  EXPECT_EQ(fb.w(), 64);
  EXPECT_EQ(fb.h(), 32);
  GLint bound = -1;
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &bound);
  EXPECT_EQ(bound, 0);
  EXPECT_EQ(fb.read_rgba().size(), size_t(64) * 32 * 4);
  while (glGetError() != GL_NO_ERROR) {
  }
}

// GL names have one owner: handles and renderers move, never copy; a moved-from handle deletes nothing.
TEST(GlName, MoveOnlyAndDeletedOnce) {
  static_assert(!std::is_copy_constructible_v<Framebuffer> && std::is_nothrow_move_constructible_v<Framebuffer>);
  static_assert(!std::is_copy_constructible_v<GlTexture> && !std::is_copy_assignable_v<GlTexture>);
  static_assert(!std::is_copy_constructible_v<PlotRenderer> && !std::is_copy_constructible_v<HeatmapRenderer>);
  static_assert(!std::is_copy_constructible_v<FrameComposer>);
  HeadlessGL gl;
  GlTexture a = gen_texture();
  const GLuint name = a.get();
  glBindTexture(GL_TEXTURE_2D, name);
  ASSERT_TRUE(glIsTexture(name));
  GlTexture b = std::move(a);
  EXPECT_EQ(a.get(), 0u);
  EXPECT_EQ(b.get(), name);
  { GlTexture c = std::move(b); }
  EXPECT_FALSE(glIsTexture(name));
  Framebuffer f1;
  f1.resize(8, 8);
  Framebuffer f2 = std::move(f1);
  EXPECT_EQ(f1.tex(), 0u);
  EXPECT_EQ(f2.w(), 8);
  EXPECT_EQ(f2.read_rgba().size(), size_t(8) * 8 * 4);
}

// Defect: the heatmap knew its newest uploaded row by a raw pointer it did not own; a new timeline
// whose row reused the freed address was taken for the old one and drawn with the old rows' data.
TEST(Heatmap, ANewTimelineIsRebuiltEvenWhenARowReusesAnAddress) {
  HeadlessGL gl;
  HeatmapRenderer heat;
  Framebuffer fb;
  const Palette pal = light_palette();
  // Rows are allocated at the same spot once the old row's memory is freed.
  auto row = [](float e) {
    auto r = std::allocate_shared<TimelineRow>(SameSpot<TimelineRow>());
    r->n_past = 0;
    r->entropy.assign(4, e);
    return r;
  };
  const void* old_addr;
  {
    std::vector<std::shared_ptr<const TimelineRow>> tl = {row(0.0f)};  // certain: the grid tone
    old_addr = tl.back().get();
    heat.render(tl, 1.0f, pal, 8, 8, fb);
  }
  std::vector<std::shared_ptr<const TimelineRow>> tl2 = {row(1.0f)};   // uniform: ink
  // A non-owning raw pointer lets the old row's memory go, and the new row reuses it; a weak_ptr
  // keeps the control block, so the address cannot come back while it is observed.
  const bool reused = tl2.back().get() == old_addr;
  heat.render(tl2, 1.0f, pal, 8, 8, fb);
  const auto px = fb.read_rgba();
  // Away from the boundary line (the left edge of column 0), the cell is ink, not the grid tone.
  const int x = 5, y = 4;
  const int r = px[(size_t(y) * 8 + x) * 4];
  EXPECT_NEAR(r, int(pal.ink.r * 255), 3) << (reused ? "address reused" : "address not reused");
}
