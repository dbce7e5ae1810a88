// The BLAS kernel and OpenMP wait policy a process runs with, chosen before anything computes.
//
// Why: Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) does not recognise newer AVX-512 CPUs and falls
// back to its SSE3 "Prescott" kernels, 3-4x slower here. OpenBLAS reads OPENBLAS_CORETYPE and
// libgomp reads OMP_WAIT_POLICY in their load-time constructors, i.e. before main: the only way
// to change either from inside the program is to set it and exec the binary again.
// No torch here: the check calls sgemm_ directly, so it tests exactly the BLAS that torch uses.
#pragma once
#include <string>

namespace wfc::blas {

struct Setup {
  const char* wait_policy = nullptr;  // "passive" / "active" to set OMP_WAIT_POLICY if unset; null: leave
  bool quiet = false;                 // no warning on stderr when the self-test fails
};

// First thing in main, before any BLAS or OpenMP work. When OPENBLAS_CORETYPE is unset and the
// CPU has AVX-512 (SkylakeX) or AVX2+FMA (Haswell) but OpenBLAS picked something weaker, or a
// wait policy is asked for and unset, re-executes /proc/self/exe with the same argv and those
// variables set (WFC_BLAS_REEXEC guards against a loop). Then checks sgemm against a double
// reference; if a kernel this function chose fails, re-executes once with the next safer one
// (SkylakeX -> Haswell -> OpenBLAS's own choice); a user-chosen kernel that fails gets a warning.
// Returns normally unless it re-executed (then it does not return at all).
void select_kernel(char** argv, const Setup& setup = {});

// The kernel the CPU should run: "SkylakeX", "Haswell" or "" (leave OpenBLAS's choice).
std::string best_core();

// Max |C - C_ref| / max(1, |A||B| row-col sum) over two small odd-sized products through sgemm_;
// negative when no sgemm_ symbol is found.
double self_test_error();
constexpr double kSelfTestTolerance = 1e-4;

struct Info {
  std::string library;      // the shared object sgemm_ comes from
  std::string config;       // openblas_get_config(), "" when not OpenBLAS
  std::string core;         // openblas_get_corename()
  std::string coretype_env; // OPENBLAS_CORETYPE as the process saw it ("" = unset)
  std::string chosen_by;    // "wfc" (re-exec), "environment", "OpenBLAS"
  int blas_threads = -1;    // openblas_get_num_threads()
  int blas_parallel = -1;   // 0 sequential, 1 pthreads, 2 OpenMP
  std::string wait_policy;  // OMP_WAIT_POLICY or "unset (libgomp spins briefly, then sleeps)"
  double self_test = -1;    // self_test_error()
};
Info info();

}  // namespace wfc::blas
