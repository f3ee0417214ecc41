#pragma once
// The project's source tree, for tests that read files from it (README.md, config/):
// CMake passes its absolute path, so the tests find them from any working directory
// (`__FILE__` is relative under ccache's base_dir, which made them depend on running
// from build/tests).

#include <filesystem>

namespace onevalue::testing {

inline const std::filesystem::path source_dir{ONEVALUE_SOURCE_DIR};

} // namespace onevalue::testing
