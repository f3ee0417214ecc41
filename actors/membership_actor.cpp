#include "actors/membership_actor.hpp"

#include "actors/log.hpp"

#include <caf/all.hpp>

namespace onevalue {

namespace {

using self_ptr = membership_actor::stateful_pointer<membership_state>;

void log_event(const member_event& e) {
  if (e.from)
    OV_LOG_INFO("member {}: {} -> {} (incarnation {}): {}", e.name, to_string(*e.from),
                to_string(e.to), e.incarnation, e.reason);
  else
    OV_LOG_INFO("member {}: joined as {} (incarnation {}): {}", e.name, to_string(e.to),
                e.incarnation, e.reason);
}

void schedule_tick(self_ptr self) {
  auto& st = self->state;
  auto next = st.core->next_deadline();
  if (next >= st.scheduled_tick || next == time_point::max())
    return;
  st.scheduled_tick = next;
  auto now = self->clock().now();
  auto delay = next > now ? next - now : caf::timespan{0};
  self->delayed_send(self, delay, tick_atom::value);
}

void carry_out(self_ptr self, swim_actions actions) {
  auto& st = self->state;
  for (auto& e : actions.events)
    log_event(e);
  for (auto& note : actions.notes)
    OV_LOG_INFO("{}", note);
  for (auto& error : actions.errors)
    OV_LOG_ERROR("{}", error);
  if (actions.conflict) {
    OV_LOG_ERROR("{}", actions.conflict->message);
    if (st.on_name_conflict)
      st.on_name_conflict(actions.conflict->message);
  }
  // First, so that the gossip core picks targets for what follows from the new table.
  if (!actions.changes.empty())
    self->send(st.gossip, update_atom::value, std::move(actions.changes));
  for (auto& b : actions.broadcasts)
    self->send(st.gossip, broadcast_atom::value, b);
  for (auto& s : actions.sends)
    self->send(st.gossip, send_atom::value, s.to.host, s.to.port, s.msg, s.attached);
  for (auto& p : actions.push_pulls)
    self->send(st.gossip, push_pull_atom::value, p.host, p.port);
  auto incarnation = st.core->self().incarnation;
  if (st.store && incarnation > st.persisted_incarnation) {
    st.persisted_incarnation = incarnation;
    self->request(st.store, std::chrono::seconds(5), set_atom::value,
                  incarnation_atom::value, incarnation)
        .then([](uint64_t) {},
              [self](caf::error& err) {
                OV_LOG_WARN("cannot persist the incarnation: {}",
                            self->system().render(err));
              });
  }
  if (actions.members_changed && !st.listeners.empty()) {
    auto table = st.core->members();
    for (auto& l : st.listeners)
      self->send(l, update_atom::value, table);
  }
  schedule_tick(self);
}

} // namespace

membership_actor::behavior_type membership(self_ptr self, membership_config config) {
  auto& st = self->state;
  st.gossip = config.gossip;
  st.store = config.store;
  st.on_name_conflict = std::move(config.on_name_conflict);
  st.persisted_incarnation = config.self.incarnation;
  st.core = std::make_unique<membership_core>(config.self, config.settings, config.seeds,
                                              config.random_seed, self->clock().now());
  // The gossip core's replica starts as this table (only this node) in slot order.
  std::vector<member_delta> initial;
  for (auto& e : st.core->table())
    initial.push_back({e.info});
  self->send(st.gossip, update_atom::value, std::move(initial));
  carry_out(self, st.core->tick(self->clock().now()));
  return {
      [self](packet_atom, const member_info& sender, const swim_message& msg) {
        carry_out(self,
                  self->state.core->handle_message(sender, msg, self->clock().now()));
      },
      [self](merge_atom, const std::vector<member_update>& updates) {
        carry_out(self, self->state.core->merge_updates(updates, self->clock().now()));
      },
      [self](merge_atom, const member_list& table, const std::string& reporter) {
        carry_out(self,
                  self->state.core->merge_table(table, reporter, self->clock().now()));
      },
      [self](tick_atom) {
        auto& st = self->state;
        auto now = self->clock().now();
        if (now >= st.scheduled_tick)
          st.scheduled_tick = time_point::max();
        carry_out(self, st.core->tick(now));
      },
      [self](get_atom) -> member_list { return self->state.core->members(); },
      [self](subscribe_atom, const member_listener_actor& listener) {
        self->state.listeners.push_back(listener);
        self->send(listener, update_atom::value, self->state.core->members());
      },
      [self](get_atom, metrics_atom) -> membership_metrics {
        auto& core = *self->state.core;
        return membership_metrics{core.counters(), core.counts(), core.health_score()};
      },
      [self](leave_atom,
             const std::string& name) -> caf::result<force_leave_status, member_info> {
        auto result = self->state.core->force_leave(name, self->clock().now());
        carry_out(self, std::move(result.actions));
        if (result.status != force_leave_status::left)
          OV_LOG_INFO("forced leave of {} not applied: {}", name,
                      to_string(result.status));
        const auto* entry = self->state.core->find(name);
        return {result.status, entry ? *entry : member_info{}};
      },
      [self](leave_atom) -> bool {
        if (self->state.core->stopped())
          return false;
        OV_LOG_INFO("leaving the cluster");
        carry_out(self, self->state.core->leave(self->clock().now()));
        return true;
      },
  };
}

} // namespace onevalue
