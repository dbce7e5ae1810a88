// wfc export: runs a session script headless (EGL, no window, no X server) through the lab's own
// session code and writes numbered frames of the entropy plot (PNG or SVG), optionally a video.
// The whole script runs before anything is written, so a bad script leaves no files behind.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "app/lab_worker.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "viz/frame_composer.h"
#include "viz/headless_gl.h"
#include "app/session_script.h"

namespace wfc::app {

namespace fs = std::filesystem;
using viz::CmdKind;
using viz::LabCommand;
using viz::ScriptAction;

static bool on_path(const std::string& exe) {
  const char* p = std::getenv("PATH");
  std::stringstream ss(p ? p : "");
  for (std::string dir; std::getline(ss, dir, ':');)
    if (!dir.empty() && access((dir + "/" + exe).c_str(), X_OK) == 0) return true;
  return false;
}

struct Frame {
  std::shared_ptr<viz::LabSnapshot> snap;
  std::string title;
};

// Runs every action; returns the frames to draw. Errors name the script line.
static std::vector<Frame> run_script(const std::vector<ScriptAction>& script, const std::string& name,
                                     const std::string& ckpt, int threads, bool every_iteration) {
  LabSessionOptions so;
  so.checkpoint = ckpt;
  so.threads = threads;
  LabSession session(so, LabSession::Mode::Script);
  LabCommand load;
  load.kind = CmdKind::Load;
  load.text = ckpt;
  session.handle(load);
  std::vector<Frame> frames;
  std::string title = "wfc: " + fs::path(ckpt).filename().string();
  auto capture = [&] { frames.push_back({session.snapshot(), title}); };

  for (const auto& a : script) {
    try {
      switch (a.kind) {
        case ScriptAction::Title: title = a.text; break;
        case ScriptAction::Frame: capture(); break;
        case ScriptAction::Step: {
          ScriptAction one = a;
          one.n = 1;
          for (int64_t i = 0; i < a.n; ++i) {
            replay(session, one);
            if (every_iteration) capture();
          }
          break;
        }
        case ScriptAction::Converge:
          replay(session, a);
          while (session.active()) {
            session.work();
            if (every_iteration) capture();
          }
          break;
        default: replay(session, a);
      }
    } catch (const InputError& e) {
      throw InputError(name + ":" + std::to_string(a.line) + ": " + e.what());
    }
  }
  return frames;
}

static int run_export(const cli::Args& a) {
  const std::string ckpt = a.given("checkpoint") ? a.str("checkpoint") : bundled_checkpoint_path();
  const std::string script_path = a.str("script"), out = a.str("out"), format = a.str("format"), theme = a.str("theme");
  const std::string video = a.str("video");
  if (script_path.empty()) throw cli::UsageError("--script is required");
  if (out.empty()) throw cli::UsageError("--out is required");
  if (format != "png" && format != "svg") throw cli::UsageError("option --format: expected png or svg, got '" + format + "'");
  if (theme != "light" && theme != "dark") throw cli::UsageError("option --theme: expected light or dark, got '" + theme + "'");
  viz::FrameStyle st;
  const std::string size = a.str("size");
  if (std::sscanf(size.c_str(), "%dx%d", &st.w, &st.h) != 2 || st.w < 320 || st.h < 200 || st.w > 8192 || st.h > 8192)
    throw cli::UsageError("option --size: expected WxH between 320x200 and 8192x8192, got '" + size + "'");
  const std::string units = a.str("units");
  if (units == "nats") st.units = viz::Units::Nats;
  else if (units == "bits") st.units = viz::Units::Bits;
  else if (units == "options") st.units = viz::Units::Options;
  else throw cli::UsageError("option --units: expected nats, bits or options, got '" + units + "'");
  st.light = theme == "light";
  st.spacetime = a.on("spacetime");
  st.tokens = !a.on("no-tokens");
  st.focus = !a.on("whole-window");
  const int fps = int(a.integer("fps"));
  if (!video.empty()) {
    if (format != "png") throw cli::UsageError("--video needs --format png");
    if (fps < 1 || fps > 120) throw cli::UsageError("option --fps: expected 1..120");
    if (!on_path("ffmpeg"))
      throw InputError("--video " + video + ": ffmpeg is not installed (apt-get install ffmpeg); nothing was written");
  }

  std::ifstream f(script_path, std::ios::binary);
  if (!f) throw InputError(script_path + ": cannot read the script");
  std::stringstream text;
  text << f.rdbuf();
  std::vector<ScriptAction> script;
  try {
    script = viz::parse_script(text.str(), script_path);
  } catch (const viz::ScriptError& e) {
    throw InputError(e.what());
  }
  load_checkpoint(ckpt);  // a bad checkpoint fails here, on one line
  const int threads = int(a.integer("threads"));
  if (threads < 1) throw cli::UsageError("option --threads: must be at least 1");

  const auto frames = run_script(script, script_path, ckpt, threads, a.on("every-iteration"));
  if (frames.empty()) throw InputError(script_path + ": the script has no `frame` (or use --every-iteration)");

  // Everything ran: now write.
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw InputError(out + ": cannot create the directory: " + ec.message());
  std::unique_ptr<viz::HeadlessGL> gl;
  std::unique_ptr<viz::FrameComposer> composer;
  if (format == "png") {
    gl = std::make_unique<viz::HeadlessGL>();
    composer = std::make_unique<viz::FrameComposer>();
  }
  std::ostringstream trace;
  for (size_t i = 0; i < frames.size(); ++i) {
    const auto& fr = frames[i];
    const auto& c = fr.snap->cur;
    viz::FrameStyle fs_ = st;
    fs_.title = fr.title;
    fs_.subtitle = "iteration " + std::to_string(c.iteration) + "   past " + std::to_string(fr.snap->offset + c.n_past) +
                   " tokens   future " + std::to_string(c.length - c.n_past) + " rows   frame " + std::to_string(i + 1) +
                   " of " + std::to_string(frames.size());
    char name[32];
    std::snprintf(name, sizeof name, "frame_%05zu.%s", i + 1, format.c_str());
    const std::string path = out + "/" + name;
    std::string err;
    const bool ok = format == "png" ? viz::write_png(path, composer->render(*fr.snap, fs_), st.w, st.h, &err)
                                    : viz::write_text_file(path, viz::frame_svg(*fr.snap, fs_), &err);
    if (!ok) throw InputError(err);
    nlohmann::json j = {{"frame", i + 1},         {"file", name},        {"iteration", c.iteration},
                        {"offset", fr.snap->offset}, {"n_past", c.n_past}, {"length", c.length},
                        {"entropy", c.entropy},    {"status", c.status},  {"argmax", c.argmax},
                        {"last_collapse", fr.snap->last_collapse}};
    trace << j.dump() << "\n";
  }
  std::string err;
  if (!viz::write_text_file(out + "/frames.jsonl", trace.str(), &err)) throw InputError(err);
  std::cout << "export: " << frames.size() << " " << format << " frames of " << st.w << "x" << st.h << " in " << out << "\n";
  if (!video.empty()) {
    const std::string cmd = "ffmpeg -y -loglevel error -framerate " + std::to_string(fps) + " -i '" + out +
                            "/frame_%05d.png' -c:v libx264 -pix_fmt yuv420p -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2' '" + video + "'";
    if (std::system(cmd.c_str()) != 0) throw InputError("--video " + video + ": ffmpeg failed (the frames are in " + out + ")");
    std::cout << "export: video " << video << "\n";
  }
  return 0;
}

cli::Command export_command() {
  cli::Command c;
  c.name = "export";
  c.usage = "wfc export --script S --out DIR [--checkpoint F] [options]";
  c.summary = "render a scripted session to PNG/SVG frames (and video), headless";
  c.flags = {{"checkpoint", "checkpoints/default.safetensors", "checkpoint to run", false, "FILE"},
             {"script", "", "session script (see README: Session scripts)", false, "FILE"},
             {"out", "", "output directory (created)", false, "DIR"},
             {"size", "1920x1080", "frame size", false, "WxH"},
             {"format", "png", "png or svg", false, "FMT"},
             {"theme", "light", "light (paper) or dark", false, "NAME"},
             {"units", "nats", "entropy axis: nats, bits or options (exp H)", false, "U"},
             {"spacetime", "", "add the spacetime view", true},
             {"no-tokens", "", "leave out the token strip", true},
             {"whole-window", "", "plot the whole window, not the future and the last 24 past rows", true},
             {"every-iteration", "", "a frame after every iteration too, not only at `frame`", true},
             {"threads", "1", "intra-op threads", false, "N"},
             {"video", "", "also encode an mp4 with ffmpeg (png only)", false, "FILE"},
             {"fps", "8", "video frame rate", false, "N"}};
  c.run = run_export;
  return c;
}

}  // namespace wfc::app
