#include "actors/core/persistence.hpp"

#include "actors/core/integer_text.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <vector>

namespace onevalue {

namespace {

constexpr const char* magic_line = "onevalue-state";
constexpr const char* checksum_key = "crc32=";

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

std::string hex32(uint32_t x) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", x);
  return buf;
}

/// Splits `content` into lines; false if the last line lacks its newline.
bool split_lines(const std::string& content, std::vector<std::string>& lines) {
  std::size_t pos = 0;
  while (pos < content.size()) {
    auto nl = content.find('\n', pos);
    if (nl == std::string::npos)
      return false;
    lines.emplace_back(content.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return true;
}

/// Reads line `index` as `key=value` into `value`; false if it is another key.
bool field(const std::vector<std::string>& lines, std::size_t index,
           const std::string& key, std::string& value) {
  const auto prefix = key + "=";
  if (index >= lines.size() || lines[index].compare(0, prefix.size(), prefix) != 0)
    return false;
  value = lines[index].substr(prefix.size());
  return true;
}

std::string describe(const std::error_code& ec) {
  return ec.message();
}

} // namespace

uint32_t crc32(const char* data, std::size_t size) {
  static const auto table = make_crc_table();
  uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i)
    c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool is_no_space(const std::error_code& ec) {
  // errno values, whichever of the two standard categories carries them.
  bool errno_category =
      ec.category() == std::generic_category() || ec.category() == std::system_category();
  return errno_category && (ec.value() == ENOSPC || ec.value() == EDQUOT);
}

std::string lock_file_path(const std::string& data_dir) {
  return data_dir + "/LOCK";
}

std::optional<std::string> encode_state(const durable_state& state) {
  const auto& node = state.value.ver.node;
  if (!valid_version(state.value.ver))
    return std::nullopt;
  std::string body;
  body += magic_line;
  body += "\nformat=" + std::to_string(state_format_version);
  body += "\nvalue=" + std::to_string(state.value.value);
  body += "\ncounter=" + std::to_string(state.value.ver.counter);
  body += "\nnode=" + node;
  body += "\nclock=" + std::to_string(state.clock);
  body += "\nincarnation=" + std::to_string(state.incarnation);
  body += "\n";
  body += checksum_key + hex32(crc32(body.data(), body.size())) + "\n";
  return body;
}

std::optional<durable_state> decode_state(const std::string& content,
                                          const std::string& path,
                                          persistence_error& error) {
  auto fail = [&](const std::string& what) -> std::optional<durable_state> {
    error.message = path + ": " + what;
    return std::nullopt;
  };
  if (content.empty())
    return fail("state file is empty (truncated?)");
  std::vector<std::string> lines;
  bool complete = split_lines(content, lines);
  if (lines.empty() || lines[0] != magic_line)
    return fail("not a onevalue state file (bad magic line)");
  std::string text;
  uint32_t format = 0;
  if (!field(lines, 1, "format", text) || !parse_integer_into(text, format))
    return fail(complete ? "malformed format line" : "state file is truncated");
  if (format != state_format_version)
    return fail("unknown state format version " + std::to_string(format)
                + " (this build reads " + std::to_string(state_format_version) + ")");
  if (!complete || lines.back().compare(0, 6, checksum_key) != 0)
    return fail("state file is truncated (no checksum line)");
  auto covered = content.size() - lines.back().size() - 1;
  uint32_t stored = 0;
  if (!parse_integer_into(lines.back().substr(6), stored, 16))
    return fail("malformed checksum line");
  if (stored != crc32(content.data(), covered))
    return fail("checksum mismatch: the state file is corrupt");
  if (lines.size() != 8)
    return fail("wrong number of fields for format 1");
  durable_state state;
  if (!field(lines, 2, "value", text) || !parse_integer_into(text, state.value.value))
    return fail("malformed value field");
  if (!field(lines, 3, "counter", text)
      || !parse_integer_into(text, state.value.ver.counter))
    return fail("malformed counter field");
  if (!field(lines, 4, "node", state.value.ver.node))
    return fail("malformed node field");
  if (!field(lines, 5, "clock", text) || !parse_integer_into(text, state.clock))
    return fail("malformed clock field");
  if (!field(lines, 6, "incarnation", text)
      || !parse_integer_into(text, state.incarnation))
    return fail("malformed incarnation field");
  if (!valid_version(state.value.ver))
    return fail(state.value.ver.counter == 0
                    ? "node field must be empty for counter 0 (the initial value)"
                    : "node field is not a valid node name (1 to 64 letters, digits, "
                      "'.', '_' or '-')");
  if (state.clock < state.value.ver.counter)
    return fail("clock is behind the value's counter");
  if (state.incarnation == std::numeric_limits<uint64_t>::max())
    return fail("incarnation is at its maximum; a restart could not raise it");
  return state;
}

std::shared_ptr<data_dir_lock> data_dir_lock::acquire(std::shared_ptr<file_layer> files,
                                                      const std::string& data_dir,
                                                      persistence_error& error) {
  const auto path = lock_file_path(data_dir);
  int fd = -1;
  auto ec = files->lock(path, fd);
  if (!ec)
    return std::make_shared<data_dir_lock>(std::move(files), fd);
  if (ec == std::errc::resource_unavailable_try_again
      || ec == std::errc::operation_would_block)
    error.message = "data dir " + data_dir
                    + " is in use: another onevalue process holds the lock " + path;
  else
    error.message =
        "cannot lock data dir " + data_dir + ": " + path + ": " + describe(ec);
  return nullptr;
}

data_dir_lock::data_dir_lock(std::shared_ptr<file_layer> files, int fd)
    : files_(std::move(files)), fd_(fd) {}

data_dir_lock::~data_dir_lock() {
  files_->unlock(fd_);
}

} // namespace onevalue
