#include "model/blas_runtime.h"

#include <dlfcn.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace wfc::blas {

namespace {

constexpr const char* kGuard = "WFC_BLAS_REEXEC";  // set in the re-executed process: "core:<name>" or "env"
std::string g_guard;  // its value at start-up; removed from the environment so children start clean

using sgemm_fn = void (*)(const char*, const char*, const int*, const int*, const int*, const float*,
                          const float*, const int*, const float*, const int*, const float*, float*, const int*);
using corename_fn = char* (*)();
using config_fn = char* (*)();
using int_fn = int (*)();

template <class F>
F sym(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string current_core() {
  auto f = sym<corename_fn>("openblas_get_corename");
  return f ? std::string(f()) : "";
}

bool same(const std::string& a, const std::string& b) { return strcasecmp(a.c_str(), b.c_str()) == 0; }

// The next safer kernel after `core` fails its check ("" = unset, OpenBLAS's own choice).
std::string fallback_after(const std::string& core) { return same(core, "SkylakeX") ? "Haswell" : ""; }

[[noreturn]] void reexec(char** argv) {
  execv("/proc/self/exe", argv);
  std::perror("wfc: re-executing to select the BLAS kernel failed");
  std::_Exit(1);
}

}  // namespace

std::string best_core() {
  __builtin_cpu_init();
  // libgcc's checks include the OS's xgetbv state, so a kernel without AVX-512 context is excluded.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return "";
}

double self_test_error() {
  auto gemm = sym<sgemm_fn>("sgemm_");
  if (!gemm) return -1;
  // Test hook: WFC_BLAS_FAKE_FAILURE=<core>[,<core>...] fails the check on those kernels (the fallback path).
  if (const char* fake = std::getenv("WFC_BLAS_FAKE_FAILURE")) {
    const std::string list = std::string(",") + fake + ",", core = "," + current_core() + ",";
    if (strcasestr(list.c_str(), core.c_str())) return INFINITY;
  }
  double worst = 0;
  // Odd sizes reach the kernels' edge paths; the second is wide enough for the main loop.
  const int sizes[2][3] = {{37, 53, 71}, {67, 96, 130}};
  uint32_t s = 12345;
  auto rnd = [&] {
    s = s * 1664525u + 1013904223u;
    return float(int(s >> 9) - (1 << 22)) / float(1 << 22);  // [-1, 1)
  };
  for (const auto& mnk : sizes) {
    const int m = mnk[0], n = mnk[1], k = mnk[2];
    std::vector<float> a(size_t(m) * k), b(size_t(k) * n), c(size_t(m) * n, 0.0f);  // column-major
    for (auto& v : a) v = rnd();
    for (auto& v : b) v = rnd();
    const float one = 1.0f, zero = 0.0f;
    gemm("N", "N", &m, &n, &k, &one, a.data(), &m, b.data(), &k, &zero, c.data(), &m);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        double ref = 0, mag = 0;
        for (int l = 0; l < k; ++l) {
          ref += double(a[i + size_t(l) * m]) * b[l + size_t(j) * k];
          mag += std::fabs(double(a[i + size_t(l) * m]) * b[l + size_t(j) * k]);
        }
        const double err = std::fabs(c[i + size_t(j) * m] - ref) / std::max(1.0, mag);
        if (!(err <= worst)) worst = std::isnan(err) ? INFINITY : err;
      }
  }
  return worst;
}

void select_kernel(char** argv, const Setup& setup) {
  const std::string guard = env(kGuard);
  g_guard = guard;
  unsetenv(kGuard);
  if (guard.empty()) {
    bool again = false;
    if (!std::getenv("OPENBLAS_CORETYPE") && sym<corename_fn>("openblas_get_corename")) {
      const std::string want = best_core();
      if (!want.empty() && !same(want, current_core())) {
        setenv("OPENBLAS_CORETYPE", want.c_str(), 1);
        setenv(kGuard, ("core:" + want).c_str(), 1);
        again = true;
      }
    }
    if (setup.wait_policy && !std::getenv("OMP_WAIT_POLICY")) {
      setenv("OMP_WAIT_POLICY", setup.wait_policy, 1);
      again = true;
    }
    if (again) {
      if (!std::getenv(kGuard)) setenv(kGuard, "env", 1);  // the wait policy alone
      reexec(argv);
    }
  }
  const double err = self_test_error();
  if (err >= 0 && err <= kSelfTestTolerance) return;
  if (err < 0) return;  // no BLAS symbols visible: nothing to check
  const std::string core = current_core(), chosen = guard.rfind("core:", 0) == 0 ? guard.substr(5) : "";
  if (!chosen.empty() && same(chosen, env("OPENBLAS_CORETYPE"))) {
    const std::string next = fallback_after(chosen);
    std::fprintf(stderr, "wfc: BLAS kernel %s failed its self-test (error %.3g); trying %s\n", chosen.c_str(), err,
                 next.empty() ? "OpenBLAS's own choice" : next.c_str());
    if (next.empty()) {
      unsetenv("OPENBLAS_CORETYPE");
      setenv(kGuard, "fallback", 1);
    } else {
      setenv("OPENBLAS_CORETYPE", next.c_str(), 1);
      setenv(kGuard, ("core:" + next).c_str(), 1);
    }
    reexec(argv);
  }
  if (!setup.quiet)
    std::fprintf(stderr, "wfc: warning: BLAS kernel %s failed its self-test (error %.3g): results may be wrong\n",
                 core.empty() ? "(unknown)" : core.c_str(), err);
}

Info info() {
  Info i;
  if (auto g = sym<sgemm_fn>("sgemm_")) {
    Dl_info dl{};
    if (dladdr(reinterpret_cast<void*>(g), &dl) && dl.dli_fname) {
      char real[4096];
      i.library = realpath(dl.dli_fname, real) ? real : dl.dli_fname;
    }
  }
  if (auto f = sym<config_fn>("openblas_get_config")) i.config = f();
  i.core = current_core();
  i.coretype_env = env("OPENBLAS_CORETYPE");
  const std::string& guard = g_guard;
  i.chosen_by = guard.rfind("core:", 0) == 0 ? "wfc (re-executed with OPENBLAS_CORETYPE)"
                : !i.coretype_env.empty()   ? "environment (OPENBLAS_CORETYPE)"
                                            : "OpenBLAS (its own CPU detection)";
  if (auto f = sym<int_fn>("openblas_get_num_threads")) i.blas_threads = f();
  if (auto f = sym<int_fn>("openblas_get_parallel")) i.blas_parallel = f();
  i.wait_policy = env("OMP_WAIT_POLICY");
  if (i.wait_policy.empty()) i.wait_policy = "unset (libgomp spins briefly, then sleeps)";
  i.self_test = self_test_error();
  return i;
}

}  // namespace wfc::blas
