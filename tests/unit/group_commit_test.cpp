#include "actors/core/group_commit.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace onevalue;

namespace {

const durable_state fresh{{42, {0, ""}}, 0, 1};

std::vector<uint64_t> ids(const batch_outcome& outcome) {
  std::vector<uint64_t> result;
  for (const auto& t : outcome.tickets)
    result.push_back(t.id);
  return result;
}

} // namespace

TEST_CASE("nothing to save on a fresh register") {
  group_commit gc{fresh, "n1"};
  CHECK_FALSE(gc.next_batch());
  CHECK(gc.current() == fresh.value);
  CHECK(gc.check_invariants());
}

TEST_CASE("a staged write is invisible until its batch is saved") {
  group_commit gc{fresh, "n1"};
  auto stamped = gc.stage_write(1, 5);
  REQUIRE(stamped);
  CHECK(stamped->ver == version{1, "n1"});
  CHECK(gc.current().value == 42);
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->value == *stamped);
  CHECK(state->clock == 1);
  CHECK(gc.current().value == 42);
  auto outcome = gc.on_saved();
  CHECK(ids(outcome) == std::vector<uint64_t>{1});
  CHECK(outcome.value_changed);
  CHECK(gc.current() == *stamped);
  CHECK(gc.durable() == *state);
  CHECK(gc.check_invariants());
}

TEST_CASE("writes arriving during a save share the next save") {
  group_commit gc{fresh, "n1"};
  gc.stage_write(1, 10);
  auto first = gc.next_batch();
  REQUIRE(first);
  for (uint64_t id = 2; id <= 5; ++id)
    gc.stage_write(id, static_cast<int64_t>(id * 10));
  CHECK_FALSE(gc.next_batch()); // one save at a time
  CHECK(ids(gc.on_saved()) == std::vector<uint64_t>{1});
  auto second = gc.next_batch();
  REQUIRE(second);
  CHECK(second->value == versioned_value{50, {5, "n1"}});
  auto outcome = gc.on_saved();
  CHECK(ids(outcome) == std::vector<uint64_t>{2, 3, 4, 5});
  CHECK(outcome.tickets[0].stamped.ver.counter == 2);
  CHECK(gc.current().value == 50);
  CHECK_FALSE(gc.next_batch());
  CHECK(gc.check_invariants());
}

TEST_CASE(
    "a failed save fails its whole batch and the value rolls back to the durable one") {
  group_commit gc{fresh, "n1"};
  gc.stage_write(1, 7);
  gc.next_batch();
  gc.on_saved();
  gc.stage_write(2, 8);
  gc.stage_write(3, 9);
  REQUIRE(gc.next_batch());
  auto outcome = gc.on_save_failed();
  CHECK(ids(outcome) == std::vector<uint64_t>{2, 3});
  CHECK_FALSE(outcome.value_changed);
  CHECK(gc.current() == versioned_value{7, {1, "n1"}});
  CHECK(gc.durable().value == gc.current());
  CHECK_FALSE(gc.next_batch()); // nothing left to retry
  // Counters of failed writes are never reused.
  CHECK(gc.stage_write(4, 10)->ver.counter == 4);
  CHECK(gc.check_invariants());
}

TEST_CASE("writes queued behind a failing save get their own attempt") {
  group_commit gc{fresh, "n1"};
  gc.stage_write(1, 1);
  gc.next_batch();
  gc.stage_write(2, 2);
  gc.on_save_failed();
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->value.value == 2);
  CHECK(ids(gc.on_saved()) == std::vector<uint64_t>{2});
  CHECK(gc.current().value == 2);
}

TEST_CASE("a remote value joins the register at once and is saved by the next batch") {
  group_commit gc{fresh, "n1"};
  CHECK(gc.merge_remote({5, {9, "n2"}}) == merge_result::accepted);
  CHECK(gc.merged().value == 5);
  CHECK(gc.clock() == 9);
  CHECK(gc.latest_version() == version{9, "n2"});
  CHECK(gc.merge_remote({4, {3, "n3"}}) == merge_result::stale);
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->value == versioned_value{5, {9, "n2"}});
  auto outcome = gc.on_saved();
  CHECK(outcome.tickets.empty());
  CHECK(outcome.value_changed);
  CHECK_FALSE(gc.next_batch());
}

// The chaos soak's regression: a remote value was published to readers at merge time,
// before the save holding it; a kill -9 in that window restarted the node with its
// older saved value, so a read went backwards.
TEST_CASE("a remote value is readable only once a batch holding it is durable") {
  group_commit gc{fresh, "n1"};
  const versioned_value remote{5, {9, "n2"}};
  REQUIRE(gc.merge_remote(remote) == merge_result::accepted);
  CHECK(gc.current() == fresh.value);
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->value == remote);
  // Saving: a crash now restarts with fresh.value, so readers must still see it.
  CHECK(gc.current() == fresh.value);
  CHECK(gc.durable().value == fresh.value);
  auto outcome = gc.on_saved();
  CHECK(outcome.value_changed);
  CHECK(gc.current() == remote);
  CHECK(gc.check_invariants());
}

TEST_CASE("a remote value stays unreadable while its save fails, readable once saved") {
  group_commit gc{fresh, "n1"};
  const versioned_value remote{5, {9, "n2"}};
  REQUIRE(gc.merge_remote(remote) == merge_result::accepted);
  REQUIRE(gc.next_batch());
  CHECK_FALSE(gc.on_save_failed().value_changed);
  CHECK(gc.current() == fresh.value);
  CHECK(gc.merged() == remote);
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->value == remote);
  CHECK(gc.on_saved().value_changed);
  CHECK(gc.current() == remote);
}

TEST_CASE("a remote value newer than a staged write wins, readable with the next batch") {
  group_commit gc{fresh, "n1"};
  auto mine = gc.stage_write(1, 1);
  gc.next_batch();
  CHECK(gc.merge_remote({2, {20, "n2"}}) == merge_result::accepted);
  auto outcome = gc.on_saved();
  CHECK(outcome.tickets.at(0).stamped == mine);
  // The landed batch held the local write only: the remote value is not durable yet.
  CHECK(outcome.value_changed);
  CHECK(gc.current() == *mine);
  CHECK(gc.merged().value == 2);
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->value == versioned_value{2, {20, "n2"}});
  CHECK(gc.on_saved().value_changed);
  CHECK(gc.current().value == 2);
  CHECK(gc.stage_write(2, 3)->ver.counter == 21);
  CHECK(gc.check_invariants());
}

TEST_CASE("a raised incarnation is persisted and never lowered") {
  group_commit gc{fresh, "n1"};
  gc.stage_incarnation(1, 5);
  gc.stage_incarnation(2, 3);
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->incarnation == 5);
  CHECK(state->value == fresh.value);
  auto outcome = gc.on_saved();
  CHECK(ids(outcome) == std::vector<uint64_t>{1, 2});
  CHECK_FALSE(outcome.tickets[0].write);
  CHECK(gc.durable().incarnation == 5);
}

TEST_CASE("a restored register continues the persisted clock") {
  group_commit gc{durable_state{{8, {4, "n2"}}, 11, 2}, "n1"};
  CHECK(gc.current().value == 8);
  CHECK(gc.stage_write(1, 9)->ver == version{12, "n1"});
  CHECK(gc.check_invariants());
}

TEST_CASE("the latest version includes staged and in-flight writes, then merges") {
  group_commit gc{fresh, "n1"};
  CHECK(gc.latest_version() == version{0, ""});
  gc.stage_write(1, 5);
  CHECK(gc.latest_version() == version{1, "n1"});
  REQUIRE(gc.next_batch());
  gc.stage_write(2, 6);
  CHECK(gc.latest_version() == version{2, "n1"});
  CHECK(gc.current().value == 42);
  gc.merge_remote({7, {9, "n2"}});
  CHECK(gc.latest_version() == version{9, "n2"});
}

TEST_CASE("after a failed save the dropped write no longer counts as latest") {
  group_commit gc{fresh, "n1"};
  gc.stage_write(1, 5);
  REQUIRE(gc.next_batch());
  gc.on_save_failed();
  CHECK(gc.latest_version() == version{0, ""});
}

namespace {

constexpr uint64_t top = std::numeric_limits<uint64_t>::max();

} // namespace

TEST_CASE("a write that no counter can order after the value is refused, never acked") {
  group_commit gc{durable_state{{5, {top, "n2"}}, top, 1}, "n1"};
  CHECK_FALSE(gc.stage_write(1, 9));
  CHECK_FALSE(gc.has_pending());
  CHECK_FALSE(gc.next_batch());
  CHECK(gc.latest_version() == version{top, "n2"});
  CHECK(gc.current().value == 5);
  CHECK(gc.check_invariants());
}

TEST_CASE("a remote counter of 2^64-1 makes no later write wrap around or lose") {
  // The attack of issue 10: one datagram at 2^64-1, then every write answered 200
  // with counter 0 and never the value.
  group_commit gc{fresh, "n1"};
  CHECK(gc.merge_remote({666, {top, "evil"}}) == merge_result::too_far_ahead);
  CHECK(gc.current().value == 42);
  auto stamped = gc.stage_write(1, 7);
  REQUIRE(stamped);
  CHECK(stamped->ver.counter == counter_free_range + max_counter_step + 1);
  REQUIRE(gc.next_batch());
  auto outcome = gc.on_saved();
  CHECK(ids(outcome) == std::vector<uint64_t>{1});
  CHECK(gc.current() == *stamped);
  CHECK(gc.check_invariants());
}

TEST_CASE("a malformed remote version is refused and moves nothing") {
  group_commit gc{fresh, "n1"};
  for (const auto& v : {versioned_value{1, {5, ""}}, versioned_value{1, {0, "n2"}},
                        versioned_value{1, {5, "n2\r\nX-Injected: 1"}},
                        versioned_value{1, {5, std::string(65, 'a')}}}) {
    CAPTURE(v.ver.node);
    CHECK(gc.merge_remote(v) == merge_result::invalid);
  }
  CHECK(gc.clock() == 0);
  CHECK(gc.current() == fresh.value);
  CHECK_FALSE(gc.next_batch());
}

TEST_CASE("the initial version offered again, twice, is stale and changes nothing") {
  group_commit gc{fresh, "n1"};
  CHECK(gc.merge_remote({42, {0, ""}}) == merge_result::stale);
  CHECK(gc.merge_remote({42, {0, ""}}) == merge_result::stale);
  CHECK_FALSE(gc.next_batch());
}

TEST_CASE(
    "a staged write carries the wall-clock stamp it was given into the visible value") {
  group_commit gc{durable_state{}, "n1"};
  auto staged = gc.stage_write(1, 5, 1764666000000000);
  REQUIRE(staged);
  CHECK(staged->written_at_us == 1764666000000000);
  REQUIRE(gc.next_batch());
  gc.on_saved();
  CHECK(gc.current().value == 5);
  CHECK(gc.current().written_at_us == 1764666000000000);
}

TEST_CASE("an incarnation raised at start but not saved (disk full) is saved later") {
  const durable_state on_disk{{7, {3, "n2"}}, 4, 2};
  durable_state restored = on_disk;
  restored.incarnation = 3;
  group_commit gc{restored, on_disk, "n1"};
  CHECK(gc.current() == on_disk.value);
  CHECK(gc.durable() == on_disk);
  CHECK(gc.check_invariants());
  // The disk is still full: the attempt fails and the difference stays unsaved.
  REQUIRE(gc.next_batch());
  CHECK(gc.on_save_failed().tickets.empty());
  CHECK(gc.durable().incarnation == 2);
  // Space returned: the next write's batch carries the raised incarnation with it.
  REQUIRE(gc.stage_write(1, 8, 0));
  auto state = gc.next_batch();
  REQUIRE(state);
  CHECK(state->incarnation == 3);
  CHECK(state->value.value == 8);
  gc.on_saved();
  CHECK(gc.durable().incarnation == 3);
  CHECK_FALSE(gc.next_batch());
  CHECK(gc.check_invariants());
}
