#include "actors/core/state_slots.hpp"

#include "actors/core/atomic_file.hpp"

#include <tuple>

namespace onevalue {

namespace {

/// One file as `load_state` found it.
struct slot_read {
  bool exists = false;
  /// It exists with something other than zeros in it (for the file of the layout
  /// before slots: it exists).
  bool in_use = false;
  /// It exists but could not be read (not a defect of its contents).
  bool unreadable = false;
  std::optional<durable_state> state;
  persistence_error problem;
};

bool only_zeros(std::string_view bytes) {
  return bytes.find_first_not_of('\0') == std::string_view::npos;
}

slot_read read_state_file(file_layer& files, const std::string& path, bool is_slot) {
  slot_read out;
  std::string bytes;
  if (auto ec = files.read_all(path, bytes)) {
    if (ec != std::errc::no_such_file_or_directory) {
      out.exists = out.in_use = out.unreadable = true;
      out.problem.message = path + ": cannot read state file: " + ec.message();
    }
    return out;
  }
  out.exists = true;
  if (is_slot && only_zeros(bytes))
    return out;
  out.in_use = true;
  if (!is_slot && bytes == state_moved_marker) {
    out.problem.message = path
                          + " says the state moved to the slot files state.0 and "
                            "state.1, but neither holds a state";
    return out;
  }
  out.state = is_slot ? decode_state_slot(bytes, path, out.problem)
                      : decode_state(bytes, path, out.problem);
  return out;
}

persistence_error save_failure(const std::string& path, const std::string& step,
                               std::error_code ec) {
  return {"cannot save state to " + path + ": " + step + ": " + ec.message(),
          is_no_space(ec)};
}

/// After a failed save: puts `bytes` (the last saved state, or zeros: no state) back
/// into the slot at `path` and flushes it; false if that failed too.
bool put_back(file_layer& files, const std::string& path, const std::string& bytes) {
  int fd = -1;
  if (files.open_for_overwrite(path, fd))
    return false;
  bool ok = !files.write(fd, bytes.data(), bytes.size()) && !files.sync_data(fd);
  // Flushed or not, a failing close changes nothing on disk.
  static_cast<void>(files.close(fd));
  return ok;
}

/// Makes `<data_dir>/state` the marker unless it is already; true once it is. Both
/// slots hold a state durably by then, so the old layout's file is no longer needed, and
/// an earlier build refuses the marker instead of starting afresh beside the slots.
/// Were this lost, the slots still win: the old file is read only when no slot is in use.
bool write_marker(file_layer& files, const std::string& data_dir) {
  std::string old;
  const auto legacy = legacy_state_path(data_dir);
  if (!files.read_all(legacy, old) && old == state_moved_marker)
    return true;
  return !replace_file(files, legacy, data_dir, state_moved_marker);
}

} // namespace

std::string state_slot_path(const std::string& data_dir, int slot) {
  return data_dir + "/state." + std::to_string(slot);
}

std::string legacy_state_path(const std::string& data_dir) {
  return data_dir + "/state";
}

std::string state_slot_bytes(const std::string& text) {
  std::string out(state_slot_size, '\0');
  out.replace(0, text.size(), text);
  return out;
}

std::optional<durable_state> decode_state_slot(std::string_view bytes,
                                               const std::string& path,
                                               persistence_error& error) {
  auto end = bytes.find('\0');
  if (end != std::string_view::npos) {
    if (bytes.size() != state_slot_size) {
      error.message = path + ": state slot of " + std::to_string(bytes.size())
                      + " bytes, expected " + std::to_string(state_slot_size)
                      + " (truncated?)";
      return std::nullopt;
    }
    if (!only_zeros(bytes.substr(end))) {
      error.message = path + ": bytes after the state are not zeros: the slot is corrupt";
      return std::nullopt;
    }
    bytes = bytes.substr(0, end);
  }
  return decode_state(std::string{bytes}, path, error);
}

bool saved_after(const durable_state& a, const durable_state& b) {
  return std::tie(a.clock, a.incarnation, a.value.ver)
         > std::tie(b.clock, b.incarnation, b.value.ver);
}

state_load_result load_state(file_layer& files, const std::string& data_dir) {
  state_load_result result;
  slot_read slots[2] = {read_state_file(files, state_slot_path(data_dir, 0), true),
                        read_state_file(files, state_slot_path(data_dir, 1), true)};
  // A slot that cannot be read may hold the newest state: never start without it.
  for (int i = 0; i < 2; ++i)
    if (slots[i].unreadable) {
      result.error = slots[i].problem;
      result.corrupt_files.push_back(state_slot_path(data_dir, i));
      return result;
    }
  int best = -1;
  for (int i = 0; i < 2; ++i)
    if (slots[i].state && (best < 0 || saved_after(*slots[i].state, *slots[best].state)))
      best = i;
  if (best >= 0) {
    result.state = slots[best].state;
    result.cursor.next = 1 - best;
    // `in_place` stays false for both: the first save into each slot after a start
    // fsyncs the directory once more, which also covers a slot whose creation a killed
    // run wrote but had not yet made durable in its directory.
    if (auto text = encode_state(*result.state))
      result.cursor.last_saved = state_slot_bytes(*text);
    const int other = 1 - best;
    if (slots[other].in_use && !slots[other].state)
      result.skipped = slots[other].problem.message;
    return result;
  }
  auto legacy = read_state_file(files, legacy_state_path(data_dir), false);
  bool slots_in_use = slots[0].in_use || slots[1].in_use;
  // Slot 1 is first written after slot 0 held a state, so two slots of zeros are no
  // first save cut short: something else emptied them.
  bool both_zeroed = slots[0].exists && slots[1].exists;
  if (slots_in_use || both_zeroed) {
    std::string problems;
    for (int i = 0; i < 2; ++i)
      if (slots[i].exists) {
        problems +=
            (problems.empty() ? "" : "; ")
            + (slots[i].in_use ? slots[i].problem.message
                               : state_slot_path(data_dir, i) + " holds no state");
        result.corrupt_files.push_back(state_slot_path(data_dir, i));
      }
    // A first start of this version cut short leaves slot 0 unusable and slot 1 never
    // written; beside an old-layout file that is still intact, that file is the state.
    bool first_save_cut_short = !slots[1].in_use;
    std::string hint;
    if (legacy.state && first_save_cut_short)
      hint = "; " + legacy_state_path(data_dir)
             + " (the layout before slots) is intact, so this looks like a first start "
               "of this version cut short: reset-state moves the slots aside and uses it";
    else if (legacy.state)
      hint = "; " + legacy_state_path(data_dir)
             + " (the layout before slots) is intact but may be older than the slots "
               "were: reset-state would start from it";
    result.error = persistence_error{"no usable state in " + data_dir + " (" + problems
                                     + ")" + hint};
    return result;
  }
  if (!legacy.in_use)
    return result; // a new node
  result.from_legacy_file = true;
  if (legacy.state)
    result.state = legacy.state;
  else {
    result.error = legacy.problem;
    result.corrupt_files.push_back(legacy_state_path(data_dir));
  }
  return result;
}

slot_flush effective_flush(const state_slot_cursor& cursor, slot_flush flush) {
  return flush == slot_flush::unflushed && cursor.in_place[cursor.next]
             ? slot_flush::unflushed
             : slot_flush::flushed;
}

std::optional<persistence_error>
save_state(file_layer& files, const std::string& data_dir, state_slot_cursor& cursor,
           const durable_state& state, slot_flush flush) {
  const int slot = cursor.next;
  const bool unflushed = effective_flush(cursor, flush) == slot_flush::unflushed;
  const auto path = state_slot_path(data_dir, slot);
  auto text = encode_state(state);
  if (!text)
    return persistence_error{"cannot save state to " + path + ": the writer's name \""
                             + state.value.ver.node + "\" is not a valid node name"};
  const auto bytes = state_slot_bytes(*text);
  int fd = -1;
  if (auto ec = files.open_for_overwrite(path, fd))
    return save_failure(path, "open", ec);
  auto failed = [&](const std::string& where, const std::string& step,
                    std::error_code ec) {
    auto error = save_failure(where, step, ec);
    if (!put_back(files, path,
                  cursor.last_saved.empty() ? std::string(state_slot_size, '\0')
                                            : cursor.last_saved))
      error.message += "; " + path
                       + " could not be restored either, so it may still hold this "
                         "unsaved state";
    return error;
  };
  if (auto ec = files.write(fd, bytes.data(), bytes.size())) {
    files.close(fd);
    return failed(path, "write", ec);
  }
  if (unflushed) {
    // The cursor stays on this slot and the other keeps the last flushed state.
    if (auto ec = files.close(fd))
      return failed(path, "close", ec);
    cursor.last_saved = bytes;
    return std::nullopt;
  }
  if (auto ec = files.sync_data(fd)) {
    files.close(fd);
    return failed(path, "fdatasync", ec);
  }
  if (auto ec = files.close(fd))
    return failed(path, "close", ec);
  if (!cursor.in_place[slot]) {
    if (auto ec = files.fsync_dir(data_dir))
      return failed(data_dir, "fsync directory", ec);
    cursor.in_place[slot] = true;
  }
  cursor.next = 1 - slot;
  cursor.last_saved = bytes;
  if (cursor.in_place[0] && cursor.in_place[1] && !cursor.marker_written)
    cursor.marker_written = write_marker(files, data_dir);
  return std::nullopt;
}

std::optional<persistence_error> save_state_to_both_slots(file_layer& files,
                                                          const std::string& data_dir,
                                                          state_slot_cursor& cursor,
                                                          const durable_state& state) {
  for (int i = 0; i < 2; ++i)
    if (auto err = save_state(files, data_dir, cursor, state))
      return err;
  return std::nullopt;
}

} // namespace onevalue
