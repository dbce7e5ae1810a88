#pragma once
// Sanitizer builds only: keep every loaded shared library mapped until the process ends.
//
// The GL driver (Mesa's swrast/llvmpipe, loaded with dlopen by GLX and EGL) is unloaded by
// glfwTerminate and eglTerminate. What it still holds then is reported by LeakSanitizer at exit
// from "<unknown module>", which no suppression can name. Pinned, the same allocations carry the driver's name and are matched by
// tests/sanitizer/lsan.supp like every other library we do not build. A no-op in other builds.
namespace wfc::viz {
void keep_loaded_libraries_for_leak_reports();
}
