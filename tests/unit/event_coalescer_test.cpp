#include "actors/core/event_coalescer.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

using time_point = event_coalescer::time_point;

const time_point t0{std::chrono::hours{1}};

member_info m(const char* name, member_state state, uint64_t incarnation = 1) {
  return {name, "10.0.0.1", 7946, 8080, state, incarnation};
}

versioned_value v(int64_t value, uint64_t counter) {
  return {value, {counter, "n1"}};
}

/// One input of a scripted run: a member event or a value at an offset from t0.
struct input {
  millis at;
  std::optional<member_change> member;
  std::optional<versioned_value> value;
};

input member_at(millis at, event_type type, member_info info) {
  return {at, member_change{type, std::move(info)}, std::nullopt};
}

input value_at(millis at, versioned_value value) {
  return {at, std::nullopt, value};
}

/// A batch as "type:name/state,name/state" or "value:V".
std::string describe(const event_batch& b) {
  std::string out = std::string{to_string(b.type)} + ":";
  if (b.type == event_type::value)
    return out + std::to_string(b.value.value);
  for (std::size_t i = 0; i < b.members.size(); ++i)
    out += (i ? "," : "") + b.members[i].name + "/" + to_string(b.members[i].state);
  return out;
}

/// Feeds the inputs in order, taking due batches at every deadline before the next
/// input (as the actor's timer does); returns "at:batch" per delivered batch.
std::vector<std::string> run(coalesce_settings settings,
                             const std::vector<input>& inputs) {
  event_coalescer c{settings};
  std::vector<std::string> out;
  auto drain_until = [&](time_point limit) {
    while (auto d = c.deadline()) {
      if (*d > limit)
        break;
      for (const auto& b : c.take_due(*d))
        out.push_back(std::to_string((*d - t0) / 1ms) + ":" + describe(b));
    }
  };
  for (const auto& in : inputs) {
    drain_until(t0 + in.at - 1ms);
    if (in.member)
      c.add(t0 + in.at, *in.member);
    else
      c.add(t0 + in.at, *in.value);
    if (settings.coalesce_period == 0ms)
      drain_until(t0 + in.at);
  }
  drain_until(time_point::max());
  return out;
}

} // namespace

TEST_CASE("coalescing of member events and values") {
  using E = event_type;
  struct row {
    const char* what;
    coalesce_settings settings;
    std::vector<input> inputs;
    std::vector<std::string> expected;
  };
  const row rows[] = {
      {"a burst becomes one run per type, after the quiet period",
       {1000ms, 200ms},
       {member_at(0ms, E::member_join, m("a", member_state::alive)),
        member_at(50ms, E::member_join, m("b", member_state::alive)),
        member_at(100ms, E::member_failed, m("c", member_state::failed))},
       {"300:member-join:a/alive,b/alive", "300:member-failed:c/failed"}},
      {"the latest state per member wins",
       {1000ms, 200ms},
       {member_at(0ms, E::member_join, m("a", member_state::alive)),
        member_at(100ms, E::member_failed, m("a", member_state::failed))},
       {"300:member-failed:a/failed"}},
      {"a burst that never pauses is cut at the coalesce period",
       {1000ms, 200ms},
       {member_at(0ms, E::member_join, m("a", member_state::alive)),
        member_at(150ms, E::member_join, m("b", member_state::alive)),
        member_at(300ms, E::member_join, m("c", member_state::alive)),
        member_at(450ms, E::member_join, m("d", member_state::alive)),
        member_at(600ms, E::member_join, m("e", member_state::alive)),
        member_at(750ms, E::member_join, m("f", member_state::alive)),
        member_at(900ms, E::member_join, m("g", member_state::alive)),
        member_at(1050ms, E::member_join, m("h", member_state::alive))},
       {"1000:member-join:a/alive,b/alive,c/alive,d/alive,e/alive,f/alive,g/alive",
        "1250:member-join:h/alive"}},
      {"without a quiet period only the coalesce period counts",
       {1000ms, 0ms},
       {member_at(0ms, E::member_join, m("a", member_state::alive)),
        member_at(900ms, E::member_join, m("b", member_state::alive))},
       {"1000:member-join:a/alive,b/alive"}},
      {"values coalesce to the latest, apart from member events",
       {1000ms, 200ms},
       {value_at(0ms, v(1, 1)),
        member_at(100ms, E::member_leave, m("a", member_state::left)),
        value_at(150ms, v(2, 2)), value_at(250ms, v(3, 3))},
       {"300:member-leave:a/left", "450:value:3"}},
      {"types come out in a fixed order",
       {1000ms, 200ms},
       {member_at(0ms, E::member_reap, m("r", member_state::failed)),
        member_at(0ms, E::member_update, m("u", member_state::alive, 2)),
        member_at(0ms, E::member_join, m("j", member_state::alive))},
       {"200:member-join:j/alive", "200:member-update:u/alive",
        "200:member-reap:r/failed"}},
      {"coalescing off: one run per event, at once",
       {0ms, 200ms},
       {member_at(0ms, E::member_join, m("a", member_state::alive)),
        member_at(0ms, E::member_join, m("b", member_state::alive)),
        value_at(10ms, v(1, 1)), value_at(20ms, v(2, 2))},
       {"0:member-join:a/alive", "0:member-join:b/alive", "10:value:1", "20:value:2"}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    CHECK(run(r.settings, r.inputs) == r.expected);
  }
}

TEST_CASE("the coalescer has no deadline when idle, and nothing due early") {
  event_coalescer c{{1000ms, 200ms}};
  CHECK_FALSE(c.deadline());
  CHECK(c.take_due(t0).empty());
  c.add(t0, v(5, 1));
  REQUIRE(c.deadline());
  CHECK(*c.deadline() == t0 + 200ms);
  CHECK(c.take_due(t0 + 199ms).empty());
  auto due = c.take_due(t0 + 200ms);
  REQUIRE(due.size() == 1);
  CHECK(due[0].value == v(5, 1));
  CHECK_FALSE(c.deadline());
}
