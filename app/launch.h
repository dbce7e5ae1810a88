// `wfc train --nproc N`: starts N local ranks of the same command (posix_spawn with an argument
// vector, no shell), hosts their rendezvous store, forwards SIGINT/SIGTERM once to each, and
// waits for all of them. A rank that fails is named; the others get up to 35 s (less with a
// shorter timeout) to notice and stop on their own before they are killed.
#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace wfc::app {

// args: the flags to pass on (the command line minus --nproc). Returns the exit code: 0 when every
// rank succeeded, 128+signal after a forwarded signal, else the first failing rank's code.
int launch_ranks(int nproc, const std::vector<std::string>& args, std::chrono::milliseconds timeout);

}  // namespace wfc::app
