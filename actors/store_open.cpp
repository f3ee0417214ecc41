// open_store (store_actor.hpp): what a node does with its data dir before the store
// actor exists: validate the name, create and lock the dir, load (or, when asked, move
// aside) the state, and save the raised incarnation.

#include "actors/log.hpp"
#include "actors/store_actor.hpp"

namespace onevalue {

namespace {

/// `path` + ".corrupt", or ".corrupt.2", ".corrupt.3", ... if taken: a reset never
/// replaces what an earlier reset moved aside.
std::string aside_name(file_layer& files, const std::string& path) {
  std::string name = path + ".corrupt";
  unsigned mode = 0;
  for (int n = 2; n <= 1000; ++n) {
    if (files.permissions(name, mode) == std::errc::no_such_file_or_directory)
      return name;
    name = path + ".corrupt." + std::to_string(n);
  }
  return name;
}

} // namespace

store_open_result open_store(store_config config, bool reset_state) {
  store_open_result result;
  if (!valid_node_name(config.node)) {
    result.error = "node name \"" + config.node
                   + "\" is not valid: expected 1 to 64 letters, digits, '.', '_' or '-'";
    return result;
  }
  const durable_state fresh{{config.initial_value, {}}, 0, 0};
  if (config.data_dir.empty()) {
    config.restored = fresh;
    config.restored->incarnation = 1;
    result.incarnation = 1;
    result.config = std::move(config);
    return result;
  }
  if (!config.files)
    config.files = posix_file_layer();
  auto& files = *config.files;
  const auto& dir = config.data_dir;
  if (auto ec = files.make_dir(dir)) {
    result.error = "cannot create data dir " + dir + ": " + ec.message();
    return result;
  }
  persistence_error lock_error;
  config.lock = data_dir_lock::acquire(config.files, dir, lock_error);
  if (!config.lock) {
    result.error = lock_error.message;
    return result;
  }
  auto loaded = load_state(files, dir);
  // With reset_state, unusable files move aside one layer at a time (the slots, then
  // the file of the layout before them) until a state or a new node is left.
  for (int pass = 0; loaded.error; ++pass) {
    if (!reset_state || loaded.corrupt_files.empty() || pass == 3) {
      result.error = loaded.error->message;
      return result;
    }
    for (const auto& path : loaded.corrupt_files)
      if (auto ec = files.rename(path, aside_name(files, path))) {
        result.error =
            loaded.error->message + "; cannot move " + path + " aside: " + ec.message();
        return result;
      }
    OV_LOG_WARN("{}: {}; moved the unusable files aside (.corrupt)", config.node,
                loaded.error->message);
    loaded = load_state(files, dir);
  }
  if (loaded.skipped)
    OV_LOG_WARN("{}: {}; using the other slot, which holds the last saved state",
                config.node, *loaded.skipped);
  auto state = loaded.state.value_or(fresh);
  state.incarnation += 1;
  auto cursor = loaded.cursor;
  if (auto err = save_state_to_both_slots(files, dir, cursor, state)) {
    if (!err->no_space) {
      result.error = err->message;
      return result;
    }
    // A full disk passes; the files still hold everything acknowledged, so serve it.
    config.on_disk = loaded.state.value_or(fresh);
    OV_LOG_WARN("{}: disk full at start: {}; serving the state on disk, writes are "
                "refused until space returns (the raised incarnation {} is saved then)",
                config.node, err->message, state.incarnation);
  }
  config.slots = cursor;
  const auto where = state_slot_path(dir, 0) + " and .1";
  if (loaded.state)
    OV_LOG_INFO(
        "{}: restored value {} (counter {}, from {}), clock {}, incarnation {} from {}",
        config.node, state.value.value, state.value.ver.counter, state.value.ver.node,
        state.clock, state.incarnation,
        loaded.from_legacy_file ? legacy_state_path(dir) + " (now in " + where + ")"
                                : where);
  else if (!config.on_disk)
    OV_LOG_INFO("{}: new node, state files {} created", config.node, where);
  else
    OV_LOG_INFO("{}: new node, state files {} not created yet (disk full)", config.node,
                where);
  result.incarnation = state.incarnation;
  config.restored = state;
  result.config = std::move(config);
  return result;
}

} // namespace onevalue
