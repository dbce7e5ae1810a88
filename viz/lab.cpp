#include "viz/lab.h"

#include <epoxy/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <stdexcept>

#include "viz/theme.h"

namespace wfc::viz {

int run_lab(const LabStartup& s) {
  glfwSetErrorCallback([](int code, const char* msg) {});  // failures surface below, once
  if (!glfwInit()) throw std::runtime_error("cannot open a window: no display (set DISPLAY or use xvfb-run)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* win = glfwCreateWindow(1440, 860, s.title.c_str(), nullptr, nullptr);
  if (!win) {
    glfwTerminate();
    throw std::runtime_error("cannot create an OpenGL 3.3 core window");
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  const Palette pal = dark_palette();
  apply_imgui_theme(pal);
  load_fonts(17.0f);
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  const double t0 = glfwGetTime();
  while (!glfwWindowShouldClose(win)) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("wfc", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
    ImGui::TextColored(ImVec4(pal.accent.r, pal.accent.g, pal.accent.b, 1), "wfc");
    ImGui::SameLine();
    ImGui::TextDisabled("wave function collapse lab");
    ImGui::Separator();
    if (ImGui::BeginTable("summary", 2)) {
      ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, 160.0f);
      ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
      for (const auto& [k, val] : s.summary) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", k.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(val.c_str());
      }
      ImGui::EndTable();
    }
    if (!s.notice.empty()) {
      ImGui::Spacing();
      ImGui::TextWrapped("%s", s.notice.c_str());
    }
    ImGui::End();

    ImGui::Render();
    int w, h;
    glfwGetFramebufferSize(win, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(pal.paper.r, pal.paper.g, pal.paper.b, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(win);
    if (s.quit_after_s > 0 && glfwGetTime() - t0 >= s.quit_after_s) break;
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  glfwTerminate();
  return 0;
}

}  // namespace wfc::viz
