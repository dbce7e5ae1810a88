#include "viz/keep_libraries.h"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>

#include <string>
#include <vector>
#endif

namespace wfc::viz {

void keep_loaded_libraries_for_leak_reports() {
#if defined(__SANITIZE_ADDRESS__)
  // The names first: dlopen inside dl_iterate_phdr's callback would take the loader's locks in the
  // opposite order to a dlopen on another thread.
  std::vector<std::string> names;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        if (info->dlpi_name && info->dlpi_name[0]) static_cast<std::vector<std::string>*>(out)->push_back(info->dlpi_name);
        return 0;
      },
      &names);
  // RTLD_NOLOAD: only libraries already there; RTLD_NODELETE: a later dlclose leaves them mapped.
  // The handles are never closed on purpose.
  for (const auto& n : names) dlopen(n.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}

}  // namespace wfc::viz
