#include "actors/core/member_changes.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

member_info m(const char* name, member_state state, uint64_t incarnation = 1,
              const char* address = "10.0.0.1") {
  return {name, address, 7946, 8080, state, incarnation};
}

constexpr auto alive = member_state::alive;
constexpr auto suspect = member_state::suspect;
constexpr auto failed = member_state::failed;
constexpr auto left = member_state::left;

} // namespace

TEST_CASE("member events between two tables") {
  struct row {
    const char* what;
    member_list before;
    member_list after;
    std::vector<member_change> expected;
  };
  const row rows[] = {
      {"first table: every member joins",
       {},
       {m("a", alive), m("b", suspect)},
       {{event_type::member_join, m("a", alive)},
        {event_type::member_join, m("b", suspect)}}},
      {"a new member already failed or left",
       {},
       {m("a", failed), m("b", left)},
       {{event_type::member_failed, m("a", failed)},
        {event_type::member_leave, m("b", left)}}},
      {"no change", {m("a", alive)}, {m("a", alive)}, {}},
      {"suspicion and its end at one incarnation are no event",
       {m("a", alive)},
       {m("a", suspect)},
       {}},
      {"a refutation raises the incarnation: update",
       {m("a", suspect, 1)},
       {m("a", alive, 2)},
       {{event_type::member_update, m("a", alive, 2)}}},
      {"a new address: update",
       {m("a", alive, 1)},
       {m("a", alive, 1, "10.0.0.9")},
       {{event_type::member_update, m("a", alive, 1, "10.0.0.9")}}},
      {"suspect to failed",
       {m("a", suspect)},
       {m("a", failed)},
       {{event_type::member_failed, m("a", failed)}}},
      {"alive to left",
       {m("a", alive)},
       {m("a", left, 2)},
       {{event_type::member_leave, m("a", left, 2)}}},
      {"failed to left (forced leave)",
       {m("a", failed)},
       {m("a", left)},
       {{event_type::member_leave, m("a", left)}}},
      {"failed member back: join",
       {m("a", failed, 1)},
       {m("a", alive, 2)},
       {{event_type::member_join, m("a", alive, 2)}}},
      {"failed stays failed at a higher incarnation: nothing",
       {m("a", failed, 1)},
       {m("a", failed, 3)},
       {}},
      {"reaped members come last, in the old order",
       {m("a", failed), m("b", alive), m("c", left)},
       {m("b", alive), m("d", alive)},
       {{event_type::member_join, m("d", alive)},
        {event_type::member_reap, m("a", failed)},
        {event_type::member_reap, m("c", left)}}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    CHECK(member_changes_between(r.before, r.after) == r.expected);
  }
}
