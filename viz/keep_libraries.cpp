#include "viz/keep_libraries.h"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>
#endif

namespace wfc::viz {

void keep_loaded_libraries_for_leak_reports() {
#if defined(__SANITIZE_ADDRESS__)
  // RTLD_NOLOAD: only libraries already there; RTLD_NODELETE: a later dlclose leaves them mapped.
  // The handles are never closed on purpose. dlopen runs inside the callback: collecting the names
  // first and pinning after the walk made LeakSanitizer's tracer crash at exit, every time, in
  // viz_gl_tests' FrameComposer test (glibc 2.36, GCC 12). Called at shutdown of a sanitizer
  // build at shutdown, where nothing else loads a library.
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void*) {
        if (info->dlpi_name && info->dlpi_name[0])
          dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        return 0;
      },
      nullptr);
#endif
}

}  // namespace wfc::viz
