#include "actors/core/atomic_file.hpp"

namespace onevalue {

std::optional<replace_failure> replace_file(file_layer& files, const std::string& path,
                                            const std::string& dir,
                                            std::string_view content,
                                            file_access access) {
  const auto tmp = path + ".tmp";
  int fd = -1;
  auto ec = access == file_access::private_ ? files.open_private_for_write(tmp, fd)
                                            : files.open_for_write(tmp, fd);
  if (ec)
    return replace_failure{"open", tmp, ec};
  // Before the rename, a failed step leaves no temporary file behind.
  auto abandon = [&](const char* step, std::error_code why, bool close_fd) {
    if (close_fd)
      files.close(fd);
    files.remove(tmp);
    return replace_failure{step, tmp, why};
  };
  if ((ec = files.write(fd, content.data(), content.size())))
    return abandon("write", ec, true);
  if ((ec = files.fsync(fd)))
    return abandon("fsync", ec, true);
  if ((ec = files.close(fd)))
    return abandon("close", ec, false);
  if ((ec = files.rename(tmp, path)))
    return abandon("rename", ec, false);
  if ((ec = files.fsync_dir(dir)))
    return replace_failure{"fsync directory", dir, ec};
  return std::nullopt;
}

} // namespace onevalue
