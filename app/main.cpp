// wfc: the desktop lab, headless training, frame export and generation for Wave Function
// Collapse language models. Exit codes: 0 ok, 2 usage or bad input, 1 internal error.
#include <torch/torch.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "app/cli.h"
#include "app/commands.h"
#include "model/blas_runtime.h"
#include "model/errors.h"

using namespace wfc;

static std::vector<cli::Command> all_commands() {
  return {app::view_command(), app::train_command(), app::export_command(), app::generate_command(), app::eval_command(),
          app::info_command()};
}

static void print_overview(std::ostream& o, const std::vector<cli::Command>& cmds) {
  o << "usage: wfc [COMMAND] [options]     (no command: wfc view)\n\n"
       "A lab for Wave Function Collapse language models.\n\ncommands:\n";
  for (const auto& c : cmds) {
    std::string n = "  " + c.name;
    n.append(12 - n.size(), ' ');
    o << n << c.summary << (c.landed ? "" : " [not available yet]") << "\n";
  }
  o << "\n'wfc COMMAND --help' lists every option with its default.\n";
}

// Output that never arrived is a failure: `wfc info > /dev/full` must not exit 0. The buffered
// rest is flushed here, where the error shows (ENOSPC, EIO); the exit is 1, the environment's.
static int stdout_written(const std::string& name, int rc) {
  errno = 0;
  std::cout.flush();
  if (std::cout.good() && std::fflush(stdout) == 0) return rc;
  const int err = errno;
  std::cerr << "wfc " << name << ": cannot write to standard output" << (err ? std::string(": ") + std::strerror(err) : "")
            << "\n";
  return rc != 0 ? rc : 1;
}

int main(int argc, char** argv) {
  {
    // Before anything touches BLAS or OpenMP (may re-execute the binary). The lab's worker must
    // never spin in OpenMP barriers against the UI thread: libgomp reads the policy at load time.
    const std::string a1 = argc < 2 ? "" : argv[1];
    const bool lab = a1.empty() || a1 == "view" ||
                     (a1[0] == '-' && a1 != "--help" && a1 != "-h" && a1 != "--version");
    blas::Setup setup;
    if (lab) setup.wait_policy = "passive";
    blas::select_kernel(argv, setup);
  }
  const auto cmds = all_commands();
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string name = "view";
  if (!args.empty()) {
    const std::string& a0 = args[0];
    if (a0 == "--help" || a0 == "-h" || a0 == "help") {
      print_overview(std::cout, cmds);
      return stdout_written("help", 0);
    }
    if (a0 == "--version") {
      std::cout << "wfc 0.1 (LibTorch " << TORCH_VERSION << ")\n";
      return stdout_written("version", 0);
    }
    if (a0.rfind("-", 0) != 0) {
      name = a0;
      args.erase(args.begin());
    }
  }
  const cli::Command* cmd = nullptr;
  for (const auto& c : cmds)
    if (c.name == name) cmd = &c;
  if (!cmd) {
    std::cerr << "wfc: unknown command '" << name << "' (see wfc --help)\n";
    return 2;
  }
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << cmd->help();
      return stdout_written(name, 0);
    }
  if (!cmd->landed) {
    std::cerr << "wfc " << name << ": not available yet (its issue has not landed)\n";
    return 2;
  }
  try {
    cli::Args parsed = cmd->parse(args);
    return stdout_written(name, cmd->run(parsed));
  } catch (const cli::UsageError& e) {
    std::cerr << "wfc " << name << ": " << e.what() << " (see wfc " << name << " --help)\n";
    return 2;
  } catch (const InputError& e) {
    std::cerr << "wfc " << name << ": " << e.what() << "\n";
    return 2;
  } catch (const EnvError& e) {
    std::cerr << "wfc " << name << ": " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::string m = e.what();
    if (auto nl = m.find('\n'); nl != std::string::npos) m = m.substr(0, nl);  // c10 adds a backtrace
    std::cerr << "wfc " << name << ": internal error: " << m << "\n";
    return 1;
  }
}
