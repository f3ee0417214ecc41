#include "actors/core/acceptor_file.hpp"

#include "actors/core/consensus_codec.hpp"

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
  out.state = decode_acceptor_state(bytes, why);
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

std::optional<std::string> save_acceptor_slot(file_layer& files,
                                              const std::string& data_dir, int slot,
                                              const std::string& content) {
  const auto path = acceptor_slot_path(data_dir, slot);
  auto failed = [&](const std::string& step, std::error_code ec) {
    return "cannot save the acceptor state to " + path + ": " + step + ": "
           + ec.message();
  };
  int fd = -1;
  if (auto ec = files.open_for_write(path, fd))
    return failed("open", ec);
  if (auto ec = files.write(fd, content.data(), content.size())) {
    files.close(fd);
    return failed("write", ec);
  }
  if (auto ec = files.fsync(fd)) {
    files.close(fd);
    return failed("fsync", ec);
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
