// The store's state on disk: two slot files rewritten in place, the newer one loaded,
// a torn or failed save never costing the last saved state, the layout before slots
// still read and then retired.

#include "actors/core/state_slots.hpp"
#include "tests/unit/fake_file_layer.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

using namespace onevalue;
using onevalue::testing::fake_file_layer;
using onevalue::testing::temp_dir;

namespace {

const durable_state old_state{{5, {7, "n2"}}, 9, 3};
const durable_state new_state{{-11, {10, "n1"}}, 10, 3};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

void write_file(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out << content;
}

/// A fake data dir "/d" whose two slots hold `old_state` durably, as after a start.
struct saved_dir {
  fake_file_layer files;
  state_slot_cursor cursor;
  saved_dir() { REQUIRE_FALSE(save_state_to_both_slots(files, "/d", cursor, old_state)); }
};

} // namespace

TEST_CASE("saved states load back unchanged from a real directory, in two slot files") {
  temp_dir dir;
  auto files = posix_file_layer();
  state_slot_cursor cursor;
  REQUIRE_FALSE(save_state_to_both_slots(*files, dir.str(), cursor, old_state));
  auto loaded = load_state(*files, dir.str());
  REQUIRE_FALSE(loaded.error);
  REQUIRE(loaded.state);
  CHECK(*loaded.state == old_state);
  REQUIRE_FALSE(save_state(*files, dir.str(), cursor, new_state));
  CHECK(*load_state(*files, dir.str()).state == new_state);
  for (int slot = 0; slot < 2; ++slot) {
    auto bytes = read_file(state_slot_path(dir.str(), slot));
    CHECK(bytes.size() == state_slot_size);
    CHECK(bytes.compare(0, 15, "onevalue-state\n") == 0); // what `cat` shows first
  }
  CHECK_FALSE(std::filesystem::exists(dir.path / "state.tmp"));
  // `state` is the marker that an earlier build refuses, naming the file.
  CHECK(read_file(dir.path / "state") == state_moved_marker);
  persistence_error error;
  CHECK_FALSE(decode_state(std::string{state_moved_marker}, "/d/state", error));
  CHECK(error.message.find("unknown state format version 2") != std::string::npos);
}

TEST_CASE("saves alternate between the slots and the newer one is loaded") {
  saved_dir d;
  int first = d.cursor.next;
  REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, new_state));
  CHECK(d.cursor.next == 1 - first);
  persistence_error error;
  CHECK(*decode_state_slot(d.files.files[state_slot_path("/d", first)], "x", error)
        == new_state);
  CHECK(*decode_state_slot(d.files.files[state_slot_path("/d", 1 - first)], "x", error)
        == old_state);
  auto loaded = load_state(d.files, "/d");
  CHECK(*loaded.state == new_state);
  CHECK(loaded.cursor.next == 1 - first); // the next save spares the newer slot
  CHECK_FALSE(loaded.skipped);            // an older valid slot is no problem
  // Whichever slot holds it, the newer state wins.
  auto newer = new_state;
  newer.clock += 1;
  REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, newer));
  CHECK(*load_state(d.files, "/d").state == newer);
}

TEST_CASE("a save is ordered by clock, then incarnation, then the value's version") {
  auto later = old_state;
  CHECK_FALSE(saved_after(later, old_state));
  later.clock += 1;
  CHECK(saved_after(later, old_state));
  later = old_state;
  later.incarnation += 1;
  CHECK(saved_after(later, old_state));
  later = old_state;
  later.value = {1, {8, "n1"}}; // a learned value whose counter is below the clock
  CHECK(saved_after(later, old_state));
  CHECK_FALSE(saved_after(old_state, later));
}

TEST_CASE("a save that fails at any step keeps the cursor, and both slots the last "
          "saved state") {
  for (std::string step : {"open", "write", "fsync", "close"}) {
    CAPTURE(step);
    saved_dir d;
    auto before = d.cursor.next;
    const auto files_before = d.files.files;
    d.files.fail_on = step;
    auto error = save_state(d.files, "/d", d.cursor, new_state);
    REQUIRE(error);
    CHECK(error->message.find(state_slot_path("/d", before)) != std::string::npos);
    CHECK_FALSE(error->no_space);
    CHECK(d.cursor.next == before);
    d.files.fail_on.clear();
    if (step == "write" || step == "fsync") {
      // The same fault also fails putting the last saved state back: the error says
      // the slot may hold the unsaved state.
      CHECK(error->message.find("could not be restored either") != std::string::npos);
    } else {
      // The failed slot got the last saved state back (a refused write must not come
      // back at the next start): the files are as before, byte for byte.
      CHECK(error->message.find("could not be restored") == std::string::npos);
      CHECK(d.files.files == files_before);
      CHECK(*load_state(d.files, "/d").state == old_state);
    }
    // The next save goes to the same slot and succeeds.
    REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, new_state));
    CHECK(*load_state(d.files, "/d").state == new_state);
  }
}

TEST_CASE("a save whose fdatasync fails gets the last saved state back into its slot") {
  saved_dir d;
  const auto files_before = d.files.files;
  // Only the first fdatasync fails (the save's), as a transient error would.
  struct once_failing : fake_file_layer {
    int syncs = 0;
    std::error_code sync_data(int fd) override {
      if (++syncs == 1)
        return {EIO, std::generic_category()};
      return fake_file_layer::sync_data(fd);
    }
  } files;
  files.files = d.files.files;
  auto error = save_state(files, "/d", d.cursor, new_state);
  REQUIRE(error);
  CHECK(error->message.find("could not be restored") == std::string::npos);
  CHECK(files.files == files_before);
  CHECK(*load_state(files, "/d").state == old_state);
}

TEST_CASE("a first save that fails leaves its slot holding no state") {
  fake_file_layer files;
  state_slot_cursor cursor;
  files.fail_on = "fsync";
  REQUIRE(save_state(files, "/d", cursor, old_state));
  files.fail_on.clear();
  CHECK(files.files["/d/state.0"] == std::string(state_slot_size, '\0'));
  CHECK(files.files.count("/d/state.1") == 0);
  auto loaded = load_state(files, "/d");
  CHECK_FALSE(loaded.state);
  CHECK_FALSE(loaded.error);
}

TEST_CASE("a full disk is reported as no space") {
  for (std::string step : {"open", "write", "fsync", "fsync_dir"}) {
    CAPTURE(step);
    fake_file_layer files;
    files.fail_on = step;
    files.fail_errno = ENOSPC;
    state_slot_cursor cursor;
    auto error = save_state(files, "/d", cursor, old_state);
    REQUIRE(error);
    CHECK(error->no_space);
    CHECK(error->message.find("No space left on device") != std::string::npos);
    CHECK(cursor.next == 0);
  }
}

TEST_CASE("a slot's first save makes its directory entry durable, later saves do not") {
  fake_file_layer files;
  state_slot_cursor cursor;
  REQUIRE_FALSE(save_state(files, "/d", cursor, old_state));
  CHECK(files.fsync_calls == 2); // fdatasync and the directory
  CHECK(cursor.in_place[0]);
  REQUIRE_FALSE(save_state(files, "/d", cursor, old_state));
  // Slot 1's fdatasync and directory fsync, then (both slots in place) the marker:
  // a temporary file's fsync, its rename, the directory's fsync.
  CHECK(files.fsync_calls == 6);
  CHECK(files.renames == 1);
  REQUIRE_FALSE(save_state(files, "/d", cursor, new_state));
  CHECK(files.fsync_calls == 7); // slot 0 again: in place, one fdatasync
  CHECK(files.renames == 1);
  // A directory fsync that fails leaves the slot not in place, so it is retried.
  fake_file_layer other;
  state_slot_cursor fresh;
  other.fail_on = "fsync_dir";
  REQUIRE(save_state(other, "/d", fresh, old_state));
  CHECK_FALSE(fresh.in_place[0]);
  other.fail_on.clear();
  REQUIRE_FALSE(save_state(other, "/d", fresh, old_state));
  CHECK(fresh.in_place[0]);
}

TEST_CASE(
    "after a start, each slot's first save makes its directory entry durable again") {
  saved_dir d;
  auto loaded = load_state(d.files, "/d");
  CHECK_FALSE(loaded.cursor.in_place[0]);
  CHECK_FALSE(loaded.cursor.in_place[1]);
  const auto before = d.files.fsync_calls;
  REQUIRE_FALSE(save_state(d.files, "/d", loaded.cursor, new_state));
  CHECK(d.files.fsync_calls - before == 2); // fdatasync and the directory
}

TEST_CASE("no slot and no old state file means a new node, not an error") {
  temp_dir dir;
  auto loaded = load_state(*posix_file_layer(), dir.str());
  CHECK_FALSE(loaded.state);
  CHECK_FALSE(loaded.error);
  // A first save cut short on a full disk leaves slot 0 empty or zeros, slot 1 absent.
  for (const std::string& bytes : {std::string{}, std::string(state_slot_size, '\0')}) {
    fake_file_layer files;
    files.files["/d/state.0"] = bytes;
    loaded = load_state(files, "/d");
    CHECK_FALSE(loaded.state);
    CHECK_FALSE(loaded.error);
  }
}

TEST_CASE("two slots that hold nothing are an error, not a new node") {
  fake_file_layer files;
  files.files["/d/state.0"] = "";
  files.files["/d/state.1"] = std::string(state_slot_size, '\0');
  auto loaded = load_state(files, "/d");
  CHECK_FALSE(loaded.state);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("/d/state.1 holds no state") != std::string::npos);
}

TEST_CASE("a slot that cannot be read stops the start, even beside a valid one") {
  saved_dir d;
  REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, new_state));
  for (int slot = 0; slot < 2; ++slot) {
    CAPTURE(slot);
    d.files.unreadable = state_slot_path("/d", slot);
    auto loaded = load_state(d.files, "/d");
    CHECK_FALSE(loaded.state);
    REQUIRE(loaded.error);
    CHECK(loaded.error->message.find(d.files.unreadable + ": cannot read")
          != std::string::npos);
    CHECK(loaded.corrupt_files == std::vector<std::string>{d.files.unreadable});
  }
}

TEST_CASE("a torn slot loses nothing: the other slot is loaded") {
  temp_dir dir;
  auto files = posix_file_layer();
  state_slot_cursor cursor;
  REQUIRE_FALSE(save_state_to_both_slots(*files, dir.str(), cursor, old_state));
  const int torn_slot = cursor.next;
  const auto torn = state_slot_path(dir.str(), torn_slot);
  REQUIRE_FALSE(save_state(*files, dir.str(), cursor, new_state));
  auto full = read_file(torn);
  for (std::size_t keep : {std::size_t{0}, std::size_t{5}, std::size_t{20},
                           std::size_t{90}, state_slot_size - 1}) {
    CAPTURE(keep);
    write_file(torn, full.substr(0, keep));
    auto loaded = load_state(*files, dir.str());
    REQUIRE(loaded.state);
    CHECK(*loaded.state == old_state);
    CHECK(loaded.cursor.next == torn_slot);           // the torn slot is overwritten next
    CHECK(loaded.skipped.has_value() == (keep != 0)); // an empty slot holds nothing
  }
}

TEST_CASE("unflushed saves stay on one slot, so the other keeps the last flushed state") {
  saved_dir d;
  const int slot = d.cursor.next;
  const auto before = d.files.fsync_calls;
  auto newer = new_state;
  for (int i = 0; i < 3; ++i) {
    newer.clock += 1;
    REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, newer, slot_flush::unflushed));
    CHECK(d.cursor.next == slot); // the same slot again next time
  }
  CHECK(d.files.fsync_calls == before); // no fdatasync, no directory fsync
  persistence_error error;
  CHECK(*decode_state_slot(d.files.files[state_slot_path("/d", slot)], "x", error)
        == newer);
  CHECK(*decode_state_slot(d.files.files[state_slot_path("/d", 1 - slot)], "x", error)
        == old_state);
  // A restart after the process died (the kernel kept the writes) loads the newest.
  CHECK(*load_state(d.files, "/d").state == newer);
  // A flushed save overwrites the same slot, flushes it and moves on.
  newer.clock += 1;
  REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, newer));
  CHECK(d.files.fsync_calls == before + 1);
  CHECK(d.cursor.next == 1 - slot);
  CHECK(*load_state(d.files, "/d").state == newer);
}

TEST_CASE("a power loss during unflushed saves costs only them: the flushed slot is "
          "loaded") {
  temp_dir dir;
  auto files = posix_file_layer();
  state_slot_cursor cursor;
  REQUIRE_FALSE(save_state_to_both_slots(*files, dir.str(), cursor, old_state));
  REQUIRE_FALSE(save_state(*files, dir.str(), cursor, new_state)); // flushed
  const int scratch = cursor.next;
  auto later = new_state;
  later.clock += 5;
  later.value = {99, {15, "n1"}};
  REQUIRE_FALSE(save_state(*files, dir.str(), cursor, later, slot_flush::unflushed));
  const auto path = state_slot_path(dir.str(), scratch);
  auto full = read_file(path);
  // The machine went down before the page reached the disk: the slot holds part of it,
  // or (zeros) nothing, or its state from two flushed saves ago.
  for (const auto& on_disk :
       {full.substr(0, 40), std::string(state_slot_size, '\0'), std::string{}}) {
    write_file(path, on_disk);
    auto loaded = load_state(*files, dir.str());
    REQUIRE(loaded.state);
    CHECK(*loaded.state == new_state);
    CHECK(loaded.cursor.next == scratch);
  }
  write_file(path, state_slot_bytes(*encode_state(old_state)));
  CHECK(*load_state(*files, dir.str()).state == new_state);
}

TEST_CASE("a save failing after unflushed saves puts back the newest state the node "
          "had, not the last flushed one") {
  // Found by review: put-back restored the last flushed state, older than a value the
  // node already served from an unflushed save, so a kill -9 before the next good save
  // restarted the node with that older value (a read going backwards).
  for (const char* step : {"write", "fsync"}) {
    CAPTURE(step);
    saved_dir d;
    const int slot = d.cursor.next;
    auto served = new_state;
    REQUIRE_FALSE(save_state(d.files, "/d", d.cursor, served, slot_flush::unflushed));
    d.files.fail_on = step;
    auto refused = served;
    refused.clock += 1;
    refused.value = {77, {11, "n1"}};
    // Unflushed or flushed, the failing save lands on the same slot.
    const auto how =
        std::string{step} == "write" ? slot_flush::unflushed : slot_flush::flushed;
    REQUIRE(save_state(d.files, "/d", d.cursor, refused, how));
    d.files.fail_on.clear();
    CHECK(d.cursor.next == slot);
    auto loaded = load_state(d.files, "/d");
    REQUIRE(loaded.state);
    CHECK(*loaded.state == served); // not old_state, and not the refused one
  }
}

TEST_CASE("the effective flush: unflushed only onto a slot already in place") {
  state_slot_cursor cursor;
  CHECK(effective_flush(cursor, slot_flush::unflushed) == slot_flush::flushed);
  CHECK(effective_flush(cursor, slot_flush::flushed) == slot_flush::flushed);
  cursor.in_place = {true, false};
  CHECK(effective_flush(cursor, slot_flush::unflushed) == slot_flush::unflushed);
  cursor.next = 1;
  CHECK(effective_flush(cursor, slot_flush::unflushed) == slot_flush::flushed);
}

TEST_CASE("a slot not yet in place is flushed even when asked not to") {
  fake_file_layer files;
  state_slot_cursor cursor;
  REQUIRE_FALSE(save_state(files, "/d", cursor, old_state, slot_flush::unflushed));
  CHECK(files.fsync_calls == 2); // fdatasync and the directory
  CHECK(cursor.in_place[0]);
  CHECK(cursor.next == 1);
}

TEST_CASE("two unusable slots are an error naming both files, never a new node") {
  saved_dir d;
  auto& first = d.files.files["/d/state.0"];
  first[first.find("value=") + 6] ^= 1;
  d.files.files["/d/state.1"].resize(100);
  auto loaded = load_state(d.files, "/d");
  CHECK_FALSE(loaded.state);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("/d/state.0: checksum mismatch") != std::string::npos);
  CHECK(loaded.error->message.find("/d/state.1: state slot of 100 bytes")
        != std::string::npos);
  CHECK(loaded.corrupt_files == std::vector<std::string>{"/d/state.0", "/d/state.1"});
  // Unreadable is not new either.
  d.files.fail_on = "read";
  loaded = load_state(d.files, "/d");
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("cannot read") != std::string::npos);
}

TEST_CASE("a slot's bytes are the text, then zeros; anything else after the text is "
          "refused") {
  auto bytes = state_slot_bytes(*encode_state(old_state));
  REQUIRE(bytes.size() == state_slot_size);
  persistence_error error;
  CHECK(*decode_state_slot(bytes, "/d/state.0", error) == old_state);
  CHECK(*decode_state_slot(*encode_state(old_state), "/d/state.0", error) == old_state);
  bytes[state_slot_size - 1] = 'x';
  CHECK_FALSE(decode_state_slot(bytes, "/d/state.0", error));
  CHECK(error.message
        == "/d/state.0: bytes after the state are not zeros: the slot is "
           "corrupt");
  CHECK_FALSE(decode_state_slot(std::string(10, 'a') + '\0', "/d/state.0", error));
  CHECK(error.message.find("/d/state.0: state slot of 11 bytes") == 0);
}

TEST_CASE("the state file of the layout before slots is read, then retired") {
  fake_file_layer files;
  files.files["/d/state"] = *encode_state(old_state);
  auto loaded = load_state(files, "/d");
  REQUIRE(loaded.state);
  CHECK(*loaded.state == old_state);
  CHECK(loaded.from_legacy_file);
  auto raised = *loaded.state;
  raised.incarnation += 1;
  REQUIRE_FALSE(save_state_to_both_slots(files, "/d", loaded.cursor, raised));
  CHECK(files.files["/d/state"] == state_moved_marker);
  loaded = load_state(files, "/d");
  CHECK(*loaded.state == raised);
  CHECK_FALSE(loaded.from_legacy_file);
  // Were the old file still there, a slot in use wins over it.
  files.files["/d/state"] = *encode_state(new_state);
  CHECK(*load_state(files, "/d").state == raised);
}

TEST_CASE("the marker without slots is an error, never a new node") {
  fake_file_layer files;
  files.files["/d/state"] = std::string{state_moved_marker};
  auto loaded = load_state(files, "/d");
  CHECK_FALSE(loaded.state);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("moved to the slot files") != std::string::npos);
  CHECK(loaded.corrupt_files == std::vector<std::string>{"/d/state"});
}

TEST_CASE("unusable slots beside an intact old state file say that reset-state uses it") {
  fake_file_layer files;
  files.files["/d/state"] = *encode_state(old_state);
  files.files["/d/state.0"] = "garbage from a first start cut short";
  auto loaded = load_state(files, "/d");
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("is intact, so this looks like a first start")
        != std::string::npos);
  CHECK(loaded.corrupt_files == std::vector<std::string>{"/d/state.0"});
  // Slot 1 in use means the slots held states after the old file: it may be older.
  files.files["/d/state.1"] = "damaged later";
  loaded = load_state(files, "/d");
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("may be older than the slots") != std::string::npos);
}

TEST_CASE(
    "the marker waits until both slots hold a state, then the next save writes it") {
  fake_file_layer files;
  files.files["/d/state"] = *encode_state(old_state);
  auto loaded = load_state(files, "/d");
  // A start on a full disk: neither slot can be created, the old file stays.
  files.fail_on = "open";
  files.fail_errno = ENOSPC;
  REQUIRE(save_state_to_both_slots(files, "/d", loaded.cursor, old_state));
  CHECK(files.files["/d/state"] == *encode_state(old_state));
  // Space returns: the saver's saves fill slot 0, then slot 1, then the marker follows.
  files.fail_on.clear();
  REQUIRE_FALSE(save_state(files, "/d", loaded.cursor, new_state));
  CHECK(files.files["/d/state"] == *encode_state(old_state));
  CHECK_FALSE(loaded.cursor.marker_written);
  REQUIRE_FALSE(save_state(files, "/d", loaded.cursor, new_state));
  CHECK(files.files["/d/state"] == state_moved_marker);
  CHECK(loaded.cursor.marker_written);
}

TEST_CASE("a marker that cannot be written fails no save, and a later save writes it") {
  fake_file_layer files;
  files.files["/d/state"] = *encode_state(old_state);
  auto loaded = load_state(files, "/d");
  files.fail_on = "rename"; // replace_file's step; slot saves never rename
  REQUIRE_FALSE(save_state_to_both_slots(files, "/d", loaded.cursor, old_state));
  CHECK(files.files["/d/state"] == *encode_state(old_state));
  CHECK_FALSE(loaded.cursor.marker_written);
  files.fail_on.clear();
  REQUIRE_FALSE(save_state(files, "/d", loaded.cursor, new_state));
  CHECK(files.files["/d/state"] == state_moved_marker);
}

TEST_CASE("a corrupt state file of the layout before slots is an error naming it") {
  fake_file_layer files;
  files.files["/d/state"] = "onevalue-state\nformat=1\n";
  CHECK(load_state(files, "/d").error);
  files.files["/d/state"] = ""; // empty is no new node either
  auto empty = load_state(files, "/d");
  REQUIRE(empty.error);
  CHECK(empty.error->message.find("empty") != std::string::npos);
  files.files["/d/state"] = "onevalue-state\nformat=1\n";
  auto loaded = load_state(files, "/d");
  CHECK_FALSE(loaded.state);
  REQUIRE(loaded.error);
  CHECK(loaded.error->message.find("/d/state: ") == 0);
  CHECK(loaded.corrupt_files == std::vector<std::string>{"/d/state"});
}

TEST_CASE("a writer's name that is no valid node name cannot be saved") {
  fake_file_layer files;
  state_slot_cursor cursor;
  auto error =
      save_state(files, "/d", cursor, durable_state{{1, {1, "n1\nvalue=9"}}, 1, 1});
  REQUIRE(error);
  CHECK(error->message.find("not a valid node name") != std::string::npos);
  CHECK(files.files.empty());
}
