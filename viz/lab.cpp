#include "viz/lab.h"

#include <epoxy/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>  // ImGui::FindWindowByName: the saved layout checked against the screen

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "model/errors.h"
#include "model/file_io.h"
#include "model/atomic_write.h"
#include "viz/frame_composer.h"
#include "viz/keep_libraries.h"
#include "viz/state_dump.h"
#include "viz/theme.h"
#include "viz/windows.h"

namespace wfc::viz {

namespace fs = std::filesystem;

static std::string default_config_dir() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/wfc";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.config/wfc";
  return "";
}

// A missing, odd (a FIFO) or oversized file reads as empty: the lab starts with no recent files.
static std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::string text;
  try {
    text = read_file_text(path, kConfigFile);
  } catch (const InputError&) {
    return out;
  }
  std::istringstream f(text);
  for (std::string l; std::getline(f, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

// Settings are a convenience: a failure to save them is reported, never fatal.
static void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  if (const std::string e = write_atomic(path, text); !e.empty()) std::fprintf(stderr, "lab: %s\n", e.c_str());
}

// ImGui writes its .ini with a plain fopen; the lab saves it itself, atomically like every file.
static void save_ini(const std::string& path) {
  size_t n = 0;
  const char* text = ImGui::SaveIniSettingsToMemory(&n);
  if (const std::string e = write_atomic(path, text, n); !e.empty()) std::fprintf(stderr, "lab: %s\n", e.c_str());
  ImGui::GetIO().WantSaveIniSettings = false;
}

static double pct(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[size_t(q * double(v.size() - 1) + 0.5)];
}

int run_lab(LabBackend& backend, const LabOptions& o) {
  glfwSetErrorCallback([](int, const char*) {});  // failures surface below, once
  if (!glfwInit()) throw std::runtime_error("cannot open a window: no display (set DISPLAY or use xvfb-run)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  // The default size fits the screen: on a 1280x720 display the window takes the work area
  // instead of running off its edge (nothing the layout places is then out of sight).
  int width = o.width, height = o.height;
  if (GLFWmonitor* mon = glfwGetPrimaryMonitor()) {
    int mx = 0, my = 0, mw = 0, mh = 0;
    glfwGetMonitorWorkarea(mon, &mx, &my, &mw, &mh);
    if (mw > 0 && mh > 0) {
      width = std::min(width, mw);
      height = std::min(height, mh);
    }
  }
  GLFWwindow* win = glfwCreateWindow(width, height, o.title.c_str(), nullptr, nullptr);
  if (!win) {
    glfwTerminate();
    throw std::runtime_error("cannot create an OpenGL 3.3 core window");
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(0);  // paced below: vsync is absent under Xvfb and would differ per driver

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ViewState v;
  v.backend = &backend;
  v.pal = dark_palette();
  if (o.all_windows) v.show_export = v.show_info = v.show_help = v.show_effect = v.show_evolution = v.show_training = true;
  for (const auto& r : o.runs) add_run(v, r);
  v.config_dir = o.config_dir.empty() ? default_config_dir() : o.config_dir;
  std::string ini;  // saved by save_ini, not by ImGui
  ImGui::GetIO().IniFilename = nullptr;
  std::error_code ec;
  if (!v.config_dir.empty() && (fs::create_directories(v.config_dir, ec), fs::is_directory(v.config_dir, ec))) {
    ini = v.config_dir + "/imgui.ini";
    if (fs::is_regular_file(ini, ec)) ImGui::LoadIniSettingsFromDisk(ini.c_str());
    v.recent = read_lines(v.config_dir + "/recent.txt");
  }
  v.sample_prompts = read_lines(std::string(WFC_ASSET_DIR) + "/prompts.txt");
  if (!o.prompt.empty()) v.prompt = o.prompt;
  v.dump_path = o.dump_path;
  apply_imgui_theme(v.pal);
  load_fonts(16.0f);
  // Our own key callback in front of ImGui's: ImGui 1.86 polls key state once per frame, so a
  // press released within the same event batch (xdotool, fast typists) would never be seen. A
  // release that follows its press in one frame is held back until that frame has run.
  ImGui_ImplGlfw_InitForOpenGL(win, false);
  glfwSetWindowUserPointer(win, &v);
  glfwSetWindowFocusCallback(win, ImGui_ImplGlfw_WindowFocusCallback);
  glfwSetCursorEnterCallback(win, ImGui_ImplGlfw_CursorEnterCallback);
  glfwSetMouseButtonCallback(win, ImGui_ImplGlfw_MouseButtonCallback);
  glfwSetScrollCallback(win, ImGui_ImplGlfw_ScrollCallback);
  glfwSetCharCallback(win, ImGui_ImplGlfw_CharCallback);
  glfwSetMonitorCallback(ImGui_ImplGlfw_MonitorCallback);
  glfwSetKeyCallback(win, [](GLFWwindow* w, int key, int scancode, int action, int mods) {
    auto& vs = *static_cast<ViewState*>(glfwGetWindowUserPointer(w));
    if (action == GLFW_RELEASE &&
        std::find(vs.pressed_this_frame.begin(), vs.pressed_this_frame.end(), key) != vs.pressed_this_frame.end()) {
      vs.held_releases.push_back({key, scancode, mods});
      return;
    }
    if (action == GLFW_PRESS) vs.pressed_this_frame.push_back(key);
    if (action != GLFW_RELEASE) vs.keys.push_back({key, mods, action == GLFW_REPEAT});
    ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  v.plot = std::make_unique<PlotRenderer>();
  v.heat = std::make_unique<HeatmapRenderer>();

  using Clock = std::chrono::steady_clock;
  const auto t_start = Clock::now();
  auto secs = [&] { return std::chrono::duration<double>(Clock::now() - t_start).count(); };
  double active_until = 1.0, last_frame_start = -1;
  double prof[11] = {0};
  const double frame_budget = 1.0 / 60.0;
  while (!glfwWindowShouldClose(win) && !v.quit) {
    // Idle (nothing running, no input for a second): wake 10 times a second, not 60.
    v.snap = backend.snapshot();
    if (v.snap->busy || secs() < active_until) glfwPollEvents();
    else glfwWaitEventsTimeout(0.1);
    const double t0 = secs();
    if (last_frame_start >= 0) v.frame_interval_ms.push_back(1000 * (t0 - last_frame_start));
    last_frame_start = t0;
    v.now = t0;
    v.snap = backend.snapshot();
    if (v.snap->loaded && !v.snap->checkpoint.empty() && v.snap->checkpoint != v.recent_noted)
      v.note_loaded(v.snap->checkpoint);
    ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseDown[0] || io.InputQueueCharacters.Size > 0)
      active_until = t0 + 1.0;
    if (v.snap->busy) active_until = t0 + 1.0;

    // Clicks waiting for their re-convergence.
    for (auto it = v.awaiting.begin(); it != v.awaiting.end();) {
      if (v.snap->done_id >= it->first && !v.snap->busy) {
        v.click_latency_ms.push_back(1000 * (t0 - it->second));
        it = v.awaiting.erase(it);
      } else {
        ++it;
      }
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    v.rects.clear();  // widgets drawn this frame name themselves again
    handle_shortcuts(v);
    // Each window's share of the UI's work (WFC_LAB_PROFILE=1 prints it on exit).
    auto timed = [&](int k, void (*f)(ViewState&)) {
      const double a = secs();
      f(v);
      prof[k] += secs() - a;
    };
    timed(0, draw_menu);
    timed(1, draw_controls);
    timed(2, draw_plot);
    timed(3, draw_tokens);
    timed(4, draw_spacetime);
    timed(5, draw_convergence);
    timed(6, draw_history);
    draw_help(v);
    draw_open(v);
    draw_export(v);
    timed(8, draw_effect);
    timed(9, draw_evolution);
    timed(10, draw_training);
    draw_status(v);
    v.reset_layout = false;
    // A layout saved on a larger screen (imgui.ini) can leave the side columns past this one's
    // edge: whenever the display size changes (the first frame too), a main window that does not
    // fit resets the layout on the next frame.
    {
      const ImVec2 ds = ImGui::GetIO().DisplaySize;
      if (ds.x != v.layout_w || ds.y != v.layout_h) {
        v.layout_w = ds.x, v.layout_h = ds.y;
        for (const char* name : {"Controls", "Entropy", "Tokens", "Spacetime", "Convergence", "History"})
          if (const ImGuiWindow* w = ImGui::FindWindowByName(name))
            if (w->Pos.x < -1 || w->Pos.y < -1 || w->Pos.x + w->Size.x > ds.x + 1 || w->Pos.y + w->Size.y > ds.y + 1) {
              v.reset_layout = true;
              v.layout_was_reset = true;
            }
      }
    }
    v.keys.clear();
    // This frame has seen the presses: now their releases may land.
    v.pressed_this_frame.clear();
    for (const auto& r : v.held_releases) ImGui_ImplGlfw_KeyCallback(win, r.key, r.scancode, GLFW_RELEASE, r.mods);
    v.held_releases.clear();
    ImGui::Render();
    // The UI's own work ends here: every view built and our own draws issued. What follows is the
    // GL driver turning the frame into pixels (with Mesa's software GL: rasterising on the CPU).
    v.last_frame_ms = 1000 * (secs() - t0);
    v.frame_ms.push_back(v.last_frame_ms);

    int w, h;
    glfwGetFramebufferSize(win, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(v.pal.paper.r, v.pal.paper.g, v.pal.paper.b, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    {
      const double a = secs();
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      prof[7] += secs() - a;
    }
    run_exports(v);  // its own framebuffers and ImGui context; the window's frame is already drawn
    if (v.dump_requested) {
      int wx = 0, wy = 0;
      glfwGetWindowPos(win, &wx, &wy);
      if (!v.dump_path.empty()) write_state_dump(v, v.dump_path, wx, wy);
      v.dump_requested = false;
    }
    if (!ini.empty() && ImGui::GetIO().WantSaveIniSettings) save_ini(ini);
    glfwSwapBuffers(win);
    v.gl_ms.push_back(1000 * (secs() - t0) - v.last_frame_ms);
    if (o.quit_after_s > 0 && secs() >= o.quit_after_s) break;
    const double left = frame_budget - (secs() - t0);
    if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double>(left));
  }
  if (!v.config_dir.empty()) write_lines(v.config_dir + "/recent.txt", v.recent);
  if (!ini.empty()) save_ini(ini);
  // Figures for the acceptance lines: the UI's work per frame and click -> re-converged latency.
  std::printf("lab: %zu frames; UI work per frame p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
              "GL draw+swap p50 %.2f ms, p99 %.2f ms; frame interval p50 %.1f ms, p99 %.1f ms\n",
              v.frame_ms.size(), pct(v.frame_ms, 0.5), pct(v.frame_ms, 0.99),
              v.frame_ms.empty() ? 0 : *std::max_element(v.frame_ms.begin(), v.frame_ms.end()),
              pct(v.gl_ms, 0.5), pct(v.gl_ms, 0.99), pct(v.frame_interval_ms, 0.5), pct(v.frame_interval_ms, 0.99));
  if (!v.click_latency_ms.empty())
    std::printf("lab: click -> re-converged: %zu actions, median %.1f ms, p95 %.1f ms, max %.1f ms\n",
                v.click_latency_ms.size(), pct(v.click_latency_ms, 0.5), pct(v.click_latency_ms, 0.95),
                *std::max_element(v.click_latency_ms.begin(), v.click_latency_ms.end()));
  if (const char* p = std::getenv("WFC_LAB_PROFILE"); p && *p == '1') {
    const char* names[] = {"menu", "controls", "plot", "tokens", "spacetime", "convergence", "history", "imgui render",
                           "what changed", "row evolution", "training"};
    for (int k = 0; k < 11; ++k)
      std::printf("lab profile: %-12s %.2f ms per frame\n", names[k], 1000 * prof[k] / std::max<size_t>(1, v.frame_ms.size()));
  }
  std::fflush(stdout);
  v.composer.reset();
  v.plot.reset();
  v.heat.reset();
  v.plot_fb.release();
  v.heat_fb.release();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  keep_loaded_libraries_for_leak_reports();  // before the driver is unloaded
  glfwTerminate();
  return 0;
}

}  // namespace wfc::viz
