// `wfc export` end to end, as a user runs it with no display: a script on the bundled checkpoint
// gives the expected frames at the requested size, not blank, byte-identical on a second run; the
// SVG's curve maps back to the traced entropies; bad scripts fail on their line and write nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs wfc export with DISPLAY unset (no X server at all); returns the exit code, keeps stderr.
int export_run(const std::string& args, std::string* err = nullptr) {
  const std::string e = fs::temp_directory_path() / "wfc_export_stderr.txt";
  const std::string cmd = "env -u DISPLAY -u WAYLAND_DISPLAY " + std::string(WFC_BIN) + " export " + args + " >/dev/null 2>" + e;
  const int rc = std::system(cmd.c_str());
  if (err) *err = slurp(e);
  return WEXITSTATUS(rc);
}

std::string script_file(const std::string& dir, const std::string& text) {
  const std::string p = dir + "/s.txt";
  std::ofstream(p) << text;
  return p;
}

const char* kScript =
    "# test\n"
    "title export test\n"
    "prompt The jury said that the\n"
    "frame\n"
    "converge\n"
    "frame\n"
    "collapse 7 full\n"
    "converge\n"
    "frame\n"
    "collapse 10 partial 0.5\n"
    "step 2\n"
    "frame\n"
    "mint\n"
    "converge\n"
    "frame\n";

std::vector<nlohmann::json> read_trace(const std::string& dir) {
  std::vector<nlohmann::json> out;
  std::ifstream f(dir + "/frames.jsonl");
  for (std::string l; std::getline(f, l);) out.push_back(nlohmann::json::parse(l));
  return out;
}

}  // namespace

TEST(Export, PngFramesHaveTheSizeAreNotBlankAndRepeatByteForByte) {
  const std::string dir = wfc::test::temp_dir();
  const std::string s = script_file(dir, kScript);
  std::string err;
  ASSERT_EQ(export_run("--script " + s + " --out " + dir + "/a --size 800x450 --spacetime", &err), 0) << err;
  ASSERT_EQ(export_run("--script " + s + " --out " + dir + "/b --size 800x450 --spacetime", &err), 0) << err;
  const auto trace = read_trace(dir + "/a");
  ASSERT_EQ(trace.size(), 5u);  // one per `frame`
  for (int i = 1; i <= 5; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/frame_%05d.png", i);
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load((dir + "/a" + name).c_str(), &w, &h, &n, 3);
    ASSERT_NE(px, nullptr) << name;
    EXPECT_EQ(w, 800);
    EXPECT_EQ(h, 450);
    // Not blank: the paper dominates but ink, grid and accent make the luminance vary.
    double sum = 0, sq = 0;
    int dark = 0, accent = 0;
    for (int k = 0; k < w * h; ++k) {
      const double l = 0.299 * px[3 * k] + 0.587 * px[3 * k + 1] + 0.114 * px[3 * k + 2];
      sum += l;
      sq += l * l;
      dark += l < 80;
      accent += px[3 * k] > 140 && px[3 * k + 1] < 90 && px[3 * k + 2] < 70;
    }
    stbi_image_free(px);
    const double mean = sum / (w * h), sd = std::sqrt(sq / (w * h) - mean * mean);
    EXPECT_GT(sd, 8.0) << name;
    EXPECT_GT(mean, 150.0) << name << ": the light theme's paper should dominate";
    EXPECT_GT(dark, 300) << name << ": too little ink";
    EXPECT_GT(accent, 20) << name << ": the accent (boundary) is missing";
    EXPECT_EQ(slurp(dir + "/a" + name), slurp(dir + "/b" + name)) << name << " differs between two runs";
  }
  // The script's collapse shows: frame 3 has position 7 collapsed.
  EXPECT_EQ(trace[2]["status"][7 - int(trace[2]["offset"])], 2);
  EXPECT_EQ(trace[2]["last_collapse"], 7);
}

TEST(Export, SvgCurveMapsBackToTheTracedEntropies) {
  const std::string dir = wfc::test::temp_dir();
  const std::string s = script_file(dir, kScript);
  std::string err;
  const std::string out = dir + "/svg";  // --out must be new or empty: dir holds the script
  ASSERT_EQ(export_run("--script " + s + " --out " + out + " --format svg --size 1280x720 --whole-window", &err), 0) << err;
  const auto trace = read_trace(out);
  ASSERT_EQ(trace.size(), 5u);
  const std::regex points_re("<polyline id=\"entropy\" points=\"([^\"]*)\""),
      map_re("data-top=\"([0-9.]+)\" data-plot-h=\"([0-9.]+)\" data-ymax=\"([0-9.eE+-]+)\" data-row0=\"([0-9]+)\"");
  for (size_t f = 0; f < trace.size(); ++f) {
    const std::string svg = slurp(out + "/" + trace[f]["file"].get<std::string>());
    std::smatch pm, mm;
    ASSERT_TRUE(std::regex_search(svg, pm, points_re)) << "frame " << f + 1 << " has no entropy polyline";
    ASSERT_TRUE(std::regex_search(svg, mm, map_re));
    const double top = std::stod(mm[1]), ph = std::stod(mm[2]), ymax = std::stod(mm[3]);
    const int row0 = std::stoi(mm[4]);
    EXPECT_NEAR(ymax, std::log(2048.0), 1e-3);
    std::stringstream pts(pm[1].str());
    const auto& H = trace[f]["entropy"];
    int i = 0;
    for (std::string xy; pts >> xy; ++i) {
      const double y = std::stod(xy.substr(xy.find(',') + 1));
      const double h = H[row0 + i].get<double>();
      const double y_expected = top + ph * (1.0 - std::min(std::max(h / ymax, 0.0), 1.02));
      EXPECT_NEAR(y, y_expected, 1.0) << "frame " << f + 1 << " row " << row0 + i;
      // And back: the drawn point read as an entropy is within a pixel's worth of nats.
      EXPECT_NEAR(ymax * (1.0 - (y - top) / ph), h, ymax / ph + 1e-6);
    }
    EXPECT_EQ(i, int(H.size()) - row0);
    EXPECT_NE(svg.find("<text"), std::string::npos) << "text is text, not pixels";
  }
}

TEST(Export, BadScriptsFailOnTheirLineAndWriteNothing) {
  const std::string dir = wfc::test::temp_dir();
  struct Case {
    std::string script, needle;
  } cases[] = {
      {"prompt The jury\nframe\nwobble 3\n", ":3: unknown action 'wobble'"},
      {"prompt The jury\nconverge\nframe\ncollapse 900 full\nframe\n", ":4: collapse: position 900 is not in the future"},
      {"prompt The jury\nstep x3\n", ":2: step: expected an integer in [1, 100000], got 'x3'"},
      {"prompt The jury\ncollapse 5 partial 1.5\n", ":2: alpha: expected a number in [0, 1], got '1.5'"},
      {"prompt The jury\nfuture 9999999999999999999999\n", ":2: future: expected an integer in [1, 4096], got '9999999999999999999999' (too large)"},
      {"prompt The jury\ncollapse 5 partial nan\n", ":2: alpha: expected a finite number in [0, 1], got 'nan'"},
      {"prompt The jury\ncollapse 5 half\n", ":2: collapse: mode 'half'"},
      // A counterfactual edit of the past: arguments, the past only, the vocabulary.
      {"prompt The jury\nedit 0\n", ":2: edit: expected 2 argument(s), got 1"},
      {"prompt The jury\nconverge\nedit 40 5\n", ":3: edit: position 40 is not in the window's past"},
      {"prompt The jury\nedit 0 999999\n", ":2: edit: token 999999 is outside the vocabulary"},
  };
  for (const auto& c : cases) {
    const std::string out = dir + "/out";
    const std::string s = script_file(dir, c.script);
    std::string err;
    EXPECT_EQ(export_run("--script " + s + " --out " + out, &err), 2) << c.script;
    EXPECT_NE(err.find(s + c.needle), std::string::npos) << "stderr: " << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "one line: " << err;
    EXPECT_FALSE(fs::exists(out)) << "a bad script wrote " << out;
  }
}
