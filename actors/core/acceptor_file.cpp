#include "actors/core/acceptor_file.hpp"

#include "actors/core/consensus_codec.hpp"
#include "actors/core/little_endian.hpp"

#include <cstdint>
#include <tuple>

namespace onevalue {

namespace {

struct slot_read {
  bool exists = false;
  std::optional<acceptor_state> state;
  std::string problem;
};

slot_read read_slot(file_layer& files, const std::string& path) {
  slot_read out;
  std::string bytes;
  if (auto ec = files.read_all(path, bytes)) {
    if (ec != std::errc::no_such_file_or_directory) {
      out.exists = true;
      out.problem = "cannot read " + path + ": " + ec.message();
    }
    return out;
  }
  out.exists = true;
  std::string why;
  out.state = decode_acceptor_slot(bytes, why);
  if (!out.state)
    out.problem = path + " is corrupt (" + why + ")";
  return out;
}

bool newer(const acceptor_state& a, const acceptor_state& b) {
  return std::tie(a.promised, a.accepted) > std::tie(b.promised, b.accepted);
}

} // namespace

std::string acceptor_slot_path(const std::string& data_dir, int slot) {
  return data_dir + "/acceptor." + std::to_string(slot);
}

static_assert(max_acceptor_file_size + 4 <= acceptor_slot_size);

std::string acceptor_slot_bytes(const std::string& content) {
  std::string out(acceptor_slot_size, '\0');
  put_le(out.data(), static_cast<uint32_t>(content.size()));
  out.replace(4, content.size(), content);
  return out;
}

std::optional<acceptor_state> decode_acceptor_slot(std::string_view bytes,
                                                   std::string& error) {
  // The layout before fixed-size slots: the encoded state alone, which starts with its
  // magic text (a length prefix never does: its third byte is zero).
  if (bytes.size() > 4 && bytes[2] != '\0')
    return decode_acceptor_state(bytes, error);
  if (bytes.size() != acceptor_slot_size) {
    error = "acceptor slot of " + std::to_string(bytes.size()) + " bytes, expected "
            + std::to_string(acceptor_slot_size);
    return std::nullopt;
  }
  auto n = get_le<uint32_t>(bytes.data());
  if (n > acceptor_slot_size - 4) {
    error = "acceptor slot length " + std::to_string(n) + " exceeds the slot";
    return std::nullopt;
  }
  if (bytes.find_first_not_of('\0', 4 + n) != std::string_view::npos) {
    error = "acceptor slot padding is not zeros";
    return std::nullopt;
  }
  return decode_acceptor_state(bytes.substr(4, n), error);
}

std::optional<std::string> save_acceptor_slot(file_layer& files,
                                              const std::string& data_dir, int slot,
                                              const std::string& content) {
  const auto path = acceptor_slot_path(data_dir, slot);
  auto failed = [&](const std::string& step, std::error_code ec) {
    return "cannot save the acceptor state to " + path + ": " + step + ": "
           + ec.message();
  };
  if (content.size() > max_acceptor_file_size)
    return "cannot save the acceptor state to " + path + ": "
           + std::to_string(content.size()) + " bytes exceed the slot";
  const auto bytes = acceptor_slot_bytes(content);
  int fd = -1;
  if (auto ec = files.open_for_overwrite(path, fd))
    return failed("open", ec);
  if (auto ec = files.write(fd, bytes.data(), bytes.size())) {
    files.close(fd);
    return failed("write", ec);
  }
  if (auto ec = files.sync_data(fd)) {
    files.close(fd);
    return failed("fdatasync", ec);
  }
  if (auto ec = files.close(fd))
    return failed("close", ec);
  return std::nullopt;
}

acceptor_open_result open_acceptor_files(file_layer& files, const std::string& data_dir) {
  acceptor_open_result out;
  slot_read slots[2] = {read_slot(files, acceptor_slot_path(data_dir, 0)),
                        read_slot(files, acceptor_slot_path(data_dir, 1))};
  int best = -1;
  for (int i = 0; i < 2; ++i)
    if (slots[i].state && (best < 0 || newer(*slots[i].state, *slots[best].state)))
      best = i;
  if (best < 0 && (slots[0].exists || slots[1].exists)) {
    out.error = "the acceptor state in " + data_dir + " is unusable ("
                + (slots[0].exists ? slots[0].problem : slots[1].problem)
                + (slots[0].exists && slots[1].exists ? "; " + slots[1].problem : "")
                + "); this voter must not start afresh, or it could break promises it "
                  "made: restore the files from a backup, or follow the voter "
                  "replacement procedure in the README";
    return out;
  }
  if (best >= 0)
    out.state = *slots[best].state;
  auto content = encode_acceptor_state(out.state);
  if (!content) {
    out.error = "cannot encode the acceptor state of " + data_dir;
    return out;
  }
  // Both slots must hold a valid state durably before any save relies on the other.
  bool created = false;
  for (int i = 0; i < 2; ++i) {
    if (i == best)
      continue;
    created = created || !slots[i].exists;
    if (auto err = save_acceptor_slot(files, data_dir, i, *content)) {
      out.error = *err;
      return out;
    }
  }
  if (created)
    if (auto ec = files.fsync_dir(data_dir)) {
      out.error = "cannot save the acceptor state in " + data_dir
                  + ": fsync directory: " + ec.message();
      return out;
    }
  out.next_slot = best == 0 ? 1 : 0;
  return out;
}

} // namespace onevalue
