#pragma once

// Replacing a file so that a crash at any moment leaves either the old contents or the
// new, never a mix: write a temporary file beside it, fsync, rename over, fsync the
// directory. Shared by the state file and the keyring file.

#include "actors/core/file_layer.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace onevalue {

/// Which step of `replace_file` failed, on which file, and why.
struct replace_failure {
  /// "open", "write", "fsync", "close", "rename" or "fsync directory".
  std::string step;
  /// The file or directory the step acted on.
  std::string file;
  std::error_code error;
};

/// Who may read the file `replace_file` writes.
enum class file_access : uint8_t {
  shared,  ///< mode 0644
  private_ ///< mode 0600, for secrets (even if the old file had wider permissions)
};

/// Replaces `path` with `content`: writes `path` + ".tmp", fsyncs it, renames it over
/// `path` and fsyncs `dir` (the directory holding `path`). Returns nothing on success.
/// On a failure before the rename the temporary file is removed and `path` is
/// unchanged; a failure of the directory fsync comes after the rename (the new
/// contents are in place but may not survive a power loss).
std::optional<replace_failure> replace_file(file_layer& files, const std::string& path,
                                            const std::string& dir,
                                            std::string_view content,
                                            file_access access = file_access::shared);

} // namespace onevalue
