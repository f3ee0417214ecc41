#include "actors/core/acceptor_file.hpp"

#include "actors/core/consensus_codec.hpp"

namespace onevalue {

std::string acceptor_file_path(const std::string& data_dir) {
  return data_dir + "/acceptor";
}

std::optional<std::string> save_acceptor_file(file_layer& files, const std::string& data_dir,
                                              const std::string& content) {
  const auto path = acceptor_file_path(data_dir);
  const auto tmp = path + ".tmp";
  auto failed = [&](const std::string& step, const std::string& file, std::error_code ec) {
    return "cannot save the acceptor state to " + path + ": " + step + " " + file + ": "
           + ec.message();
  };
  int fd = -1;
  if (auto ec = files.open_for_write(tmp, fd))
    return failed("open", tmp, ec);
  auto abandon = [&](const std::string& step, std::error_code ec) {
    files.close(fd);
    files.remove(tmp);
    return failed(step, tmp, ec);
  };
  if (auto ec = files.write(fd, content.data(), content.size()))
    return abandon("write", ec);
  if (auto ec = files.fsync(fd))
    return abandon("fsync", ec);
  if (auto ec = files.close(fd)) {
    files.remove(tmp);
    return failed("close", tmp, ec);
  }
  if (auto ec = files.rename(tmp, path)) {
    files.remove(tmp);
    return failed("rename", tmp, ec);
  }
  if (auto ec = files.fsync_dir(data_dir))
    return failed("fsync directory", data_dir, ec);
  return std::nullopt;
}

acceptor_load_result load_acceptor_file(file_layer& files, const std::string& data_dir) {
  const auto path = acceptor_file_path(data_dir);
  acceptor_load_result result;
  std::string bytes;
  if (auto ec = files.read_all(path, bytes)) {
    if (ec != std::errc::no_such_file_or_directory)
      result.error = "cannot read the acceptor state " + path + ": " + ec.message();
    return result;
  }
  std::string why;
  result.state = decode_acceptor_state(bytes, why);
  if (!result.state)
    result.error = "the acceptor state " + path + " is corrupt (" + why
                   + "); this voter must not start afresh, or it could break promises "
                     "it made: restore the file from a backup, or follow the voter "
                     "replacement procedure in the README";
  return result;
}

} // namespace onevalue
