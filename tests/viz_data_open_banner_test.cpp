// Small lab behaviour without a window: Open on a directory browses it; the error banner is as tall
// as its wrapped message.
#include <gtest/gtest.h>
#include <imgui.h>

#include <filesystem>
#include <fstream>

#include "viz/open_path.h"
#include "viz/windows.h"

namespace fs = std::filesystem;
using namespace wfc::viz;

// Defect: a directory typed in Open was sent to the worker as a checkpoint and failed with
// "basic_filebuf::underflow ...".
TEST(Open, ADirectoryIsBrowsedAndItsCheckpointsListed) {
  const fs::path d = fs::temp_directory_path() / "wfc_open_test";
  fs::remove_all(d);
  fs::create_directories(d / "runs");
  std::ofstream(d / "b.safetensors") << "x";
  std::ofstream(d / "a.safetensors") << "x";
  std::ofstream(d / "notes.txt") << "x";
  EXPECT_FALSE(open_loads(d.string()));
  EXPECT_FALSE(open_loads(d.string() + "/"));
  EXPECT_FALSE(open_loads(""));
  EXPECT_TRUE(open_loads((d / "a.safetensors").string()));
  EXPECT_TRUE(open_loads((d / "missing.safetensors").string()));  // loaded: the worker names it
  EXPECT_EQ(open_listing_dir(d.string()), d.string());               // typed without a slash
  EXPECT_EQ(open_listing_dir((d / "a.safetensors").string()), d.string());
  const auto l = open_listing(d.string());
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].name, "a.safetensors");
  EXPECT_EQ(l[1].name, "b.safetensors");
  EXPECT_EQ(l[2].name, "runs/");
  EXPECT_TRUE(l[2].dir);
  EXPECT_EQ(open_parent((d / "runs").string()), d.string() + "/");
  EXPECT_EQ(open_parent((d / "runs").string() + "/"), d.string() + "/");
  EXPECT_EQ(open_parent("/"), "/");
  fs::remove_all(d);
}

// Defect: the banner was 2.6 lines tall, so a message that wrapped to a second line was clipped.
TEST(ErrorBanner, EveryWrappedLineAndTheButtonFit) {
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(800, 600);
  unsigned char* px;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
  ImGui::NewFrame();
  const float line = ImGui::GetTextLineHeight(), pad = ImGui::GetStyle().WindowPadding.y;
  const std::string one = "error: x.safetensors: not a checkpoint";
  std::string two = "error: /a/long/path/to/a/checkpoint.safetensors: its tensor shapes differ from this model "
                    "config, and the open session stays as it was";
  const float w_px = 400;
  const float text_two = ImGui::CalcTextSize(two.c_str(), nullptr, false, w_px - 2 * ImGui::GetStyle().WindowPadding.x).y;
  ASSERT_GE(text_two, 2 * line);  // it does wrap
  EXPECT_GE(error_banner_height(two, w_px), text_two + line + 2 * pad);
  EXPECT_GT(error_banner_height(two, w_px), 2.6f * line);  // the old fixed height clipped it
  EXPECT_LT(error_banner_height(one, w_px), error_banner_height(two, w_px));
  // A very long message is capped (and scrolls).
  EXPECT_LE(error_banner_height(std::string(5000, 'x'), w_px), 8 * ImGui::GetTextLineHeightWithSpacing() + 2 * pad + 0.01f);
  ImGui::EndFrame();
  ImGui::DestroyContext(ctx);
}
