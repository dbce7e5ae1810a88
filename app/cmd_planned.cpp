// Subcommands whose issues have not landed yet. Their flag tables are real (so --help documents
// the plan), but running them says so and exits 2: no fake output.
#include "app/commands.h"

namespace wfc::app {

cli::Command export_command() {
  cli::Command c;
  c.name = "export";
  c.usage = "wfc export --checkpoint F --script S --out DIR [options]";
  c.summary = "render a scripted session to PNG/SVG frames (and video), headless";
  c.flags = {{"checkpoint", "(bundled)", "checkpoint to run", false, "FILE"},
             {"script", "", "session script", false, "FILE"},
             {"out", "", "output directory", false, "DIR"},
             {"size", "1920x1080", "frame size", false, "WxH"},
             {"format", "png", "png or svg", false, "FMT"},
             {"theme", "light", "light or dark", false, "NAME"},
             {"every-iteration", "", "a frame after every iteration, not only at `frame`", true},
             {"video", "", "also encode a video with ffmpeg", false, "FILE"}};
  c.landed = false;
  return c;
}

}  // namespace wfc::app
