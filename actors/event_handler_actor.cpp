#include "actors/event_handler_actor.hpp"

#include "actors/core/event_invocation.hpp"
#include "actors/log.hpp"

#include <caf/all.hpp>

namespace onevalue {

namespace {

using self_ptr = event_handler_actor::stateful_pointer<event_handler_state>;
using clock = std::chrono::steady_clock;

/// Hands the due batches to the pool and arms the timer for the next deadline.
void deliver_due(self_ptr self) {
  auto& st = self->state;
  auto now = clock::now();
  for (const auto& batch : st.coalescer->take_due(now)) {
    auto jobs = event_invocations(batch, st.config.handlers, st.config.self);
    if (!jobs.empty())
      st.config.pool->submit(std::move(jobs));
  }
  auto next = st.coalescer->deadline();
  if (!next || (st.scheduled_tick && *st.scheduled_tick <= *next))
    return;
  st.scheduled_tick = next;
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*next - now);
  self->delayed_send(self, std::max(delay, std::chrono::milliseconds{0}),
                     event_tick_atom::value);
}

/// Adds one event; without coalescing it is delivered at once, on its own.
template <class Event>
void add_event(self_ptr self, const Event& event) {
  auto& st = self->state;
  st.coalescer->add(clock::now(), event);
  if (st.config.coalescing.coalesce_period.count() == 0)
    deliver_due(self);
}

} // namespace

event_handler_actor::behavior_type event_handlers(self_ptr self,
                                                  event_handler_config config) {
  auto& st = self->state;
  st.coalescer = std::make_unique<event_coalescer>(config.coalescing);
  st.config = std::move(config);
  return {
      [self](update_atom, const versioned_value& value) {
        auto& st = self->state;
        bool first = !st.value_seen;
        st.value_seen = true;
        if (first && value.ver.counter == 0)
          return;
        add_event(self, value);
        deliver_due(self);
      },
      [](sync_atom) {},
      [self](update_atom, const member_list& table) {
        auto& st = self->state;
        auto events = member_changes_between(st.members.value_or(member_list{}), table);
        st.members = table;
        for (const auto& e : events) {
          OV_LOG_DEBUG("event {}: {} ({}, incarnation {})", to_string(e.type),
                       e.member.name, to_string(e.member.state), e.member.incarnation);
          add_event(self, e);
        }
        deliver_due(self);
      },
      [self](event_tick_atom) {
        self->state.scheduled_tick.reset();
        deliver_due(self);
      },
  };
}

} // namespace onevalue
