// wfc export: runs a session script headless (EGL, no window, no X server) through the lab's own
// session code and writes numbered frames of the entropy plot (PNG or SVG), optionally a video.
// The whole script runs before anything is written, so a bad script leaves no files behind.
// Frames are written into a fresh directory next to --out and moved into place only when every
// one is written: a full disk or a kill leaves --out as it was. ffmpeg runs with no shell.
#include <fcntl.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

#include "app/commands.h"
#include "viz/data_out.h"
#include "app/lab_worker.h"
#include "app/spawn.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/file_io.h"
#include "model/tokenizer.h"
#include "viz/frame_composer.h"
#include "viz/headless_gl.h"
#include "app/session_script.h"

namespace wfc::app {

namespace fs = std::filesystem;
using viz::CmdKind;
using viz::LabCommand;
using viz::ScriptAction;

struct Frame {
  std::shared_ptr<viz::LabSnapshot> snap;
  std::string title;
};

// Every frame's snapshot is kept until the frames are written (~45 KB each for the bundled model,
// plus the image on disk): an export holds at most this many, so a two-line script cannot ask for
// gigabytes ("step 100000" with --every-iteration).
static constexpr int64_t kMaxFrames = 10000;

static InputError too_many_frames(const std::string& where) {
  return InputError(where + ": the export would write more than " + std::to_string(kMaxFrames) +
                    " frames (fewer `frame` lines or steps, or drop --every-iteration)");
}

// Frames the script asks for before it runs: `frame` lines, and with --every-iteration every
// `step` (re-convergences add what they take, checked as they run).
static void check_frame_count(const std::vector<ScriptAction>& script, const std::string& name, bool every_iteration) {
  int64_t n = 0;
  for (const auto& a : script) {
    if (a.kind == ScriptAction::Frame) n += 1;
    if (a.kind == ScriptAction::Step && every_iteration) n += std::max<int64_t>(a.n, 0);
    if (n > kMaxFrames) throw too_many_frames(name + ":" + std::to_string(a.line));
  }
}

// Runs every action; returns the frames to draw. Errors name the script line.
static std::vector<Frame> run_script(const std::vector<ScriptAction>& script, const std::string& name,
                                     const std::string& ckpt, const Checkpoint& ck, int threads, bool every_iteration) {
  const Tokenizer tok = Tokenizer::from_bytes(ck.tokenizer);
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
  auto capture = [&] {
    if (int64_t(frames.size()) >= kMaxFrames) throw too_many_frames(name);
    frames.push_back({session.snapshot(), title});
  };
  using clock = std::chrono::steady_clock;
  auto last_note = clock::now();

  auto note = [&](int line) {  // a long script says where it is, every 2 s
    if (clock::now() - last_note < std::chrono::seconds(2)) return;
    std::cerr << "export: running " << name << ":" << line << ", " << frames.size() << " frames so far\n";
    last_note = clock::now();
  };

  for (const auto& a : script) {
    note(a.line);
    try {
      switch (a.kind) {
        case ScriptAction::Title: title = a.text; break;
        case ScriptAction::Frame: capture(); break;
        case ScriptAction::Future:
          if (a.n >= ck.model.block_size)
            throw InputError("future: expected fewer future rows than the checkpoint's window of " +
                             std::to_string(ck.model.block_size) + " (at most " +
                             std::to_string(ck.model.block_size - 1) + "), got " + std::to_string(a.n));
          replay(session, a);
          break;
        case ScriptAction::Prompt:
          note_prompt_kept(name + ":" + std::to_string(a.line), tok.encode(a.text).size(),
                           session.snapshot()->settings.engine.future, ck.model.block_size);
          replay(session, a);
          break;
        case ScriptAction::Step: {
          ScriptAction one = a;
          one.n = 1;
          for (int64_t i = 0; i < a.n; ++i) {
            note(a.line);
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

// What an export writes, and all that --overwrite removes: frame_NNNNN.png|svg and frames.jsonl.
static bool written_by_export(const std::string& name) {
  static const std::regex frame(R"(frame_[0-9]{5,}\.(png|svg))");
  return name == "frames.jsonl" || std::regex_match(name, frame);
}

// --out must be new, an empty directory, or (with --overwrite) a directory whose earlier frames
// may go. Checked before any work.
static void check_out_dir(const fs::path& out, bool overwrite) {
  std::error_code ec;
  const auto st = fs::status(out, ec);
  if (!fs::exists(st)) return;
  if (!fs::is_directory(st)) throw InputError(out.string() + ": exists and is not a directory");
  size_t n = 0;
  for (auto it = fs::directory_iterator(out, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) ++n;
  if (ec) throw InputError(out.string() + ": cannot list the directory: " + ec.message());
  if (n > 0 && !overwrite)
    throw InputError(out.string() + ": is not empty (" + std::to_string(n) +
                     " entries); --overwrite replaces the frames of an earlier export");
}

// A fresh directory next to --out (the same file system, so its files can be renamed into
// place); removed with everything in it unless committed.
struct StagingDir {
  fs::path dir;
  bool committed = false;
  explicit StagingDir(const fs::path& out) {
    const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw InputError(parent.string() + ": cannot create the directory: " + ec.message());
    std::string tmpl = (parent / ("." + out.filename().string() + ".export-XXXXXX")).string();
    if (!::mkdtemp(tmpl.data()))
      throw InputError(parent.string() + ": cannot create a directory for the frames: " + std::strerror(errno));
    dir = tmpl;
  }
  ~StagingDir() {
    std::error_code ec;
    if (!committed) fs::remove_all(dir, ec);
  }
};

// Writes a new file in the staging directory; the error says why (a full disk: ENOSPC).
static void write_new_file(const fs::path& path, const void* data, size_t size, const std::string& out) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  auto fail = [&](int e) {
    throw InputError(out + ": cannot write " + path.filename().string() + ": " + std::strerror(e) +
                     "; nothing was written");
  };
  if (fd < 0) fail(errno);
  const char* p = static_cast<const char*>(data);
  for (size_t left = size; left > 0;) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      fail(e);
    }
    p += n;
    left -= size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) fail(errno);
}

static void append_bytes(void* ctx, void* data, int n) {
  auto* v = static_cast<std::vector<uint8_t>*>(ctx);
  v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + n);
}

// Moves the staged frames into --out: the whole directory when --out is new or empty, else one
// file at a time after the earlier export's frames are removed (frames.jsonl last).
static void commit(StagingDir& st, const fs::path& out, const std::vector<std::string>& names) {
  if (::rename(st.dir.c_str(), out.c_str()) == 0) {
    st.committed = true;
  } else {
    if (errno != ENOTEMPTY && errno != EEXIST)
      throw InputError(out.string() + ": cannot move the frames into place: " + std::strerror(errno));
    std::error_code ec;
    std::vector<fs::path> old;
    for (auto it = fs::directory_iterator(out, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      if (written_by_export(it->path().filename().string())) old.push_back(it->path());
    if (ec) throw InputError(out.string() + ": cannot list the directory: " + ec.message());
    for (const auto& p : old)
      if (!fs::remove(p, ec) && ec) throw InputError(p.string() + ": cannot remove: " + ec.message());
    for (const auto& n : names)
      if (::rename((st.dir / n).c_str(), (out / n).c_str()) != 0)
        throw InputError((out / n).string() + ": cannot move into place: " + std::strerror(errno));
  }
  if (int dfd = ::open(out.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// ffmpeg's image2 pattern treats % specially: a literal % in the directory is written %%.
static std::string image_pattern(const fs::path& dir) {
  std::string d;
  for (char c : fs::absolute(dir).string()) d += c == '%' ? std::string("%%") : std::string(1, c);
  return d + "/frame_%05d.png";
}

static void encode_video(const fs::path& out, const fs::path& video, int fps) {
  // Absolute paths: a name starting with '-' is not an option, "x:y" is not a protocol.
  const fs::path target = fs::absolute(video);
  const fs::path tmp = target.parent_path() /
                       ("." + target.stem().string() + ".tmp." + std::to_string(getpid()) + target.extension().string());
  const std::vector<std::string> argv = {"ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-framerate",
                                         std::to_string(fps), "-i", image_pattern(out), "-c:v", "libx264",
                                         "-pix_fmt", "yuv420p", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", tmp.string()};
  int rc = 0;
  try {
    rc = run_program(argv);
  } catch (const std::runtime_error& e) {
    throw InputError("--video " + video.string() + ": " + e.what() + " (the frames are in " + out.string() + ")");
  }
  std::error_code ec;
  if (rc != 0) {
    fs::remove(tmp, ec);
    throw InputError("--video " + video.string() + ": ffmpeg failed (exit " + std::to_string(rc) +
                     "); the frames are in " + out.string());
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError("--video " + video.string() + ": cannot move the video into place: " + ec.message());
  }
}

static int run_export(const cli::Args& a) {
  const std::string ckpt = a.given("checkpoint") ? a.str("checkpoint") : bundled_checkpoint_path();
  const std::string script_path = a.str("script"), format = a.str("format"), theme = a.str("theme");
  const std::string video = a.str("video");
  if (script_path.empty()) throw cli::UsageError("--script is required");
  if (a.str("out").empty()) throw cli::UsageError("--out is required");
  // Absolute and normal: "frames/" and "." have a name, and a parent to stage next to.
  fs::path out = fs::absolute(a.str("out")).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  if (format != "png" && format != "svg") throw cli::UsageError("option --format: expected png or svg, got '" + format + "'");
  if (theme != "light" && theme != "dark") throw cli::UsageError("option --theme: expected light or dark, got '" + theme + "'");
  viz::FrameStyle st;
  std::tie(st.w, st.h) = a.size("size", {320, 8192}, {200, 8192});
  const std::string units = a.str("units");
  if (units == "nats") st.units = viz::Units::Nats;
  else if (units == "bits") st.units = viz::Units::Bits;
  else if (units == "options") st.units = viz::Units::Options;
  else throw cli::UsageError("option --units: expected nats, bits or options, got '" + units + "'");
  st.light = theme == "light";
  st.spacetime = a.on("spacetime");
  st.tokens = !a.on("no-tokens");
  st.focus = !a.on("whole-window");
  const int fps = a.int32("fps", {1, 120});
  const int threads = a.int32("threads", num::thread_range());
  if (!video.empty()) {
    if (format != "png") throw cli::UsageError("--video needs --format png");
    if (!on_path("ffmpeg"))
      throw InputError("--video " + video + ": ffmpeg is not installed (apt-get install ffmpeg); nothing was written");
    const fs::path vdir = fs::absolute(video).parent_path();
    if (!fs::is_directory(vdir)) throw InputError("--video " + video + ": " + vdir.string() + " is not a directory");
  }
  check_out_dir(out, a.on("overwrite"));

  std::vector<ScriptAction> script;
  try {
    script = viz::parse_script(read_file_text(script_path, kScriptFile), script_path);
  } catch (const viz::ScriptError& e) {
    throw InputError(e.what());
  }
  const Checkpoint ck = load_checkpoint(ckpt);  // a bad checkpoint fails here, on one line

  check_frame_count(script, script_path, a.on("every-iteration"));
  const auto frames = run_script(script, script_path, ckpt, ck, threads, a.on("every-iteration"));
  if (frames.empty()) throw InputError(script_path + ": the script has no `frame` (or use --every-iteration)");

  // Everything ran: now write, into the staging directory.
  StagingDir staging(out);
  std::unique_ptr<viz::HeadlessGL> gl;
  std::unique_ptr<viz::FrameComposer> composer;
  if (format == "png") {
    gl = std::make_unique<viz::HeadlessGL>();
    composer = std::make_unique<viz::FrameComposer>();
  }
  std::ostringstream trace;
  std::vector<std::string> names;
  using clock = std::chrono::steady_clock;
  auto last_note = clock::now();
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
    if (format == "png") {
      const auto rgba = composer->render(*fr.snap, fs_);
      std::vector<uint8_t> png;
      if (!stbi_write_png_to_func(append_bytes, &png, st.w, st.h, 4, rgba.data(), st.w * 4))
        throw std::runtime_error(std::string(name) + ": PNG encoding failed");
      write_new_file(staging.dir / name, png.data(), png.size(), out.string());
    } else {
      const std::string svg = viz::frame_svg(*fr.snap, fs_);
      write_new_file(staging.dir / name, svg.data(), svg.size(), out.string());
    }
    names.push_back(name);
    nlohmann::json j = {{"frame", i + 1},         {"file", name},        {"iteration", c.iteration},
                        {"offset", fr.snap->offset}, {"n_past", c.n_past}, {"length", c.length},
                        {"entropy", c.entropy},    {"status", c.status},  {"argmax", c.argmax},
                        {"last_collapse", fr.snap->last_collapse}};
    j["argmax_text"] = viz::token_texts(c.argmax, fr.snap->vocab.get());
    trace << viz::json_text(j) << "\n";
    if (clock::now() - last_note > std::chrono::seconds(2) && i + 1 < frames.size()) {
      std::cerr << "export: " << i + 1 << " of " << frames.size() << " frames written\n";
      last_note = clock::now();
    }
  }
  const std::string t = trace.str();
  write_new_file(staging.dir / "frames.jsonl", t.data(), t.size(), out.string());
  names.push_back("frames.jsonl");
  commit(staging, out, names);
  std::cout << "export: " << frames.size() << " " << format << " frames of " << st.w << "x" << st.h << " in "
            << out.string() << "\n";
  if (!video.empty()) {
    encode_video(out, video, fps);
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
             {"out", "", "output directory (created; must be new or empty)", false, "DIR"},
             {"overwrite", "", "replace the frames an earlier export wrote in --out (other files stay)", true},
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
