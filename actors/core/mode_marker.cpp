#include "actors/core/mode_marker.hpp"

#include "actors/core/atomic_file.hpp"

namespace onevalue {

std::string mode_marker_path(const std::string& data_dir) {
  return data_dir + "/mode";
}

std::optional<std::string> check_mode_marker(file_layer& files,
                                             const std::string& data_dir,
                                             consistency_mode mode,
                                             uint64_t stored_counter) {
  const auto path = mode_marker_path(data_dir);
  std::string text;
  std::optional<consistency_mode> written;
  bool missing = false;
  if (auto ec = files.read_all(path, text)) {
    if (ec != std::errc::no_such_file_or_directory)
      return "cannot read " + path + ": " + ec.message();
    missing = true;
    // Data dirs from before the marker were all written in eventual mode.
    if (stored_counter > 0)
      written = consistency_mode::eventual;
  } else {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      text.pop_back();
    consistency_mode parsed = consistency_mode::eventual;
    if (!parse_consistency_mode(text, parsed))
      return path + " is corrupt: expected \"eventual\" or \"linearizable\", got \""
             + text + "\"";
    written = parsed;
  }
  if (written == mode && !missing)
    return std::nullopt;
  if (written == consistency_mode::eventual && mode == consistency_mode::linearizable
      && stored_counter > 0)
    return "the data dir " + data_dir
           + " holds a value written in eventual mode, whose version (counter "
           + std::to_string(stored_counter)
           + ") would overtake the linearizable mode's commits; start this node with an "
             "empty data dir (move this one away): it learns the committed value from "
             "the "
             "cluster";
  std::string content = std::string{to_string(mode)} + "\n";
  if (auto failure = replace_file(files, path, data_dir, content))
    return "cannot record the consistency mode in " + path + ": " + failure->step + " "
           + failure->file + ": " + failure->error.message();
  return std::nullopt;
}

} // namespace onevalue
