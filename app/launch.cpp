#include "app/launch.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "model/distributed.h"
#include "model/errors.h"

extern char** environ;

namespace wfc::app {

using namespace std::chrono_literals;

static constexpr int kMaxRanks = 256;
static pid_t g_children[kMaxRanks];
static volatile std::sig_atomic_t g_nchildren = 0;
static volatile std::sig_atomic_t g_signal = 0;

// Each rank gets the signal once per signal the launcher gets: the first asks it to finish its
// step and save, a second ends it at once (the rank's own handler decides).
extern "C" void forward_to_ranks(int sig) {
  g_signal = sig;
  for (int i = 0; i < g_nchildren; ++i)
    if (g_children[i] > 0) ::kill(g_children[i], sig);
}

static const char* signal_name(int sig) {
  switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    default: return "a signal";
  }
}

int launch_ranks(int nproc, const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  if (nproc > kMaxRanks) throw InputError("train: --nproc " + std::to_string(nproc) + " is more than " + std::to_string(kMaxRanks));
  StoreHost store(timeout);
  std::error_code ec;
  const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw std::runtime_error("launch: cannot find this program's path: " + ec.message());

  std::vector<std::string> argv_s = {exe, "train"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);

  static const char* kOurs[] = {"RANK=", "WORLD_SIZE=", "LOCAL_RANK=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=",
                                "MASTER_PORT=", "TORCHELASTIC_USE_AGENT_STORE=", "TORCHELASTIC_RESTART_COUNT=",
                                "WFC_LAUNCHER_PID="};
  std::vector<std::string> base;
  for (char** e = environ; *e; ++e) {
    bool ours = false;
    for (const char* k : kOurs) ours = ours || std::strncmp(*e, k, std::strlen(k)) == 0;
    if (!ours) base.emplace_back(*e);
  }

  struct sigaction sa {};
  sa.sa_handler = forward_to_ranks;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  // A signal while the ranks are spawned waits until all of them exist, then reaches every one
  // (one that arrived halfway would reach only the first ranks; the rest would wait for them).
  sigset_t stops, before, none;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &stops, &before);
  std::cerr << "launch: " << nproc << " ranks, rendezvous at 127.0.0.1:" << store.port() << ", pids";
  for (int r = 0; r < nproc; ++r) {
    std::vector<std::string> env_s = base;
    for (const std::string& kv : std::vector<std::string>{"RANK=" + std::to_string(r), "LOCAL_RANK=" + std::to_string(r),
                                  "WORLD_SIZE=" + std::to_string(nproc), "LOCAL_WORLD_SIZE=" + std::to_string(nproc),
                                  "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(store.port()),
                                  "TORCHELASTIC_USE_AGENT_STORE=True", "WFC_LAUNCHER_PID=" + std::to_string(::getpid())})
      env_s.push_back(kv);
    std::vector<char*> envp;
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    // Its own process group: a terminal's Ctrl+C reaches the launcher alone, which forwards it once.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);  // the rank takes signals from its first instruction
    pid_t pid = 0;
    const int err = posix_spawn(&pid, exe.c_str(), nullptr, &attr, argv.data(), envp.data());
    posix_spawnattr_destroy(&attr);
    if (err != 0) {
      std::cerr << "\n";
      forward_to_ranks(SIGKILL);
      sigprocmask(SIG_SETMASK, &before, nullptr);
      throw std::runtime_error("launch: cannot start rank " + std::to_string(r) + ": " + std::strerror(err));
    }
    g_children[r] = pid;
    g_nchildren = r + 1;
    std::cerr << (r ? ", " : " ") << pid;
  }
  std::cerr << "\n";
  sigprocmask(SIG_SETMASK, &before, nullptr);  // a signal that came meanwhile is forwarded now

  // After a rank fails, the others cannot finish a step: they get the time to notice at their next
  // collective and say so (a long step, a save in flight), then they are killed.
  const std::chrono::milliseconds grace = std::min<std::chrono::milliseconds>(timeout, 30s) + 5s;
  int remaining = nproc, first_code = 0;
  bool ended_for_bad_input = false;  // the ranks killed after one exited for bad input are not news
  auto kill_at = std::chrono::steady_clock::time_point::max();
  while (remaining > 0) {
    int st = 0;
    const pid_t p = ::waitpid(-1, &st, WNOHANG);
    if (p < 0 && errno == EINTR) continue;
    if (p < 0) break;
    if (p == 0) {
      if (std::chrono::steady_clock::now() > kill_at) {
        std::cerr << "launch: ranks still running " << grace.count() / 1000 << " s after the first one ended; killing them\n";
        for (int i = 0; i < nproc; ++i)
          if (g_children[i] > 0) ::kill(g_children[i], SIGKILL);
        kill_at = std::chrono::steady_clock::time_point::max();
      }
      std::this_thread::sleep_for(50ms);
      continue;
    }
    int rank = -1;
    for (int i = 0; i < nproc; ++i)
      if (g_children[i] == p) rank = i, g_children[i] = -1;
    --remaining;
    const int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (code == 0 || ended_for_bad_input) continue;
    if (g_signal != 0 && code == 128 + g_signal) {
      // Stopped as asked. A rank still running must finish its step within the grace, or it would
      // wait for this one forever (a rank still starting up when the signal came ends at once).
      if (kill_at == std::chrono::steady_clock::time_point::max()) kill_at = std::chrono::steady_clock::now() + grace;
      continue;
    }
    if (code == 2) {
      // Bad input: the rank said what in one line, and nothing is in flight (the others would only
      // wait for it, then repeat the line). End them now; the launcher adds nothing.
      for (int i = 0; i < nproc; ++i)
        if (g_children[i] > 0) ::kill(g_children[i], SIGKILL);
      ended_for_bad_input = true;
      if (first_code == 0) first_code = code;
      continue;
    }
    if (WIFSIGNALED(st))
      std::cerr << "launch: rank " << rank << " (pid " << p << ") was killed by " << signal_name(WTERMSIG(st)) << "\n";
    else
      std::cerr << "launch: rank " << rank << " (pid " << p << ") exited with code " << code << "\n";
    if (first_code == 0) {
      first_code = code;
      kill_at = std::chrono::steady_clock::now() + grace;
    }
  }
  if (first_code != 0) return first_code;
  return g_signal != 0 ? 128 + int(g_signal) : 0;
}

}  // namespace wfc::app
