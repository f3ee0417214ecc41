#include "actors/store_actor.hpp"

#include "actors/core/save_flush.hpp"
#include "actors/log.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>

namespace onevalue {

namespace {

using store_pointer = store_actor::stateful_pointer<store_state>;

void notify_listeners(store_pointer self) {
  const auto& current = self->state.commit->current();
  for (const auto& listener : self->state.listeners)
    self->send(listener, update_atom::value, current);
}

void start_batch(store_pointer self);

/// The wall clock in microseconds since the Unix epoch: the stamp a local write carries
/// for the dissemination metric (see versioned_value::written_at_us).
uint64_t wall_clock_us() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return us > 0 ? static_cast<uint64_t>(us) : 0;
}

/// Observes how long `incoming` took from its writer to this node, if it is stamped.
void observe_applied(store_pointer self, const versioned_value& incoming) {
  const auto& metrics = self->state.config.metrics;
  if (!metrics || incoming.written_at_us == 0)
    return;
  auto now = wall_clock_us();
  // A writer's clock ahead of this one reads as 0 (clamped), not as a negative delay.
  auto delay_us = now > incoming.written_at_us ? now - incoming.written_at_us : 0;
  metrics->observe_applied_delay(static_cast<double>(delay_us) / 1e6);
}

/// Observes the save that just ended (with a data dir only: without one nothing is
/// saved).
void observe_save(store_pointer self, const batch_outcome& outcome) {
  auto& st = self->state;
  if (!st.config.metrics || !st.saver)
    return;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - st.save_started;
  auto writes = std::count_if(outcome.tickets.begin(), outcome.tickets.end(),
                              [](const commit_ticket& t) { return t.write; });
  st.config.metrics->observe_save(took.count(), static_cast<std::size_t>(writes));
}

/// The error a write gets when its batch's save failed: `disk_full` while the disk is
/// full, `persistence_failed` otherwise.
caf::error save_failure_error(store_pointer self) {
  return make_error(self->state.health.disk_full() ? store_error::disk_full
                                                   : store_error::persistence_failed);
}

/// Counts a write refused because its save failed.
void count_refused_write(store_pointer self) {
  auto& st = self->state;
  st.health.on_write_refused();
  ++st.counters->writes_refused_save_failed;
  if (st.health.disk_full())
    ++st.counters->writes_refused_disk_full;
}

/// Takes writes from now on and tells the listeners (the HTTP side's health and reads).
void become_synchronized(store_pointer self) {
  auto& st = self->state;
  st.synchronized = true;
  st.sync_target.reset();
  OV_LOG_INFO("{}: synchronized with the cluster; accepting writes", st.config.node);
  for (const auto& listener : st.listeners)
    self->send(listener, sync_atom::value);
}

/// Acknowledges or fails every operation of the finished batch, then starts the next.
/// `result`, `message` and `flushed` are the save worker's reply.
void finish_batch(store_pointer self, save_result result, const std::string& message,
                  bool flushed = true) {
  auto& st = self->state;
  const bool saved = result == save_result::saved;
  // The window counts from the last save known to be flushed; a failed one does not
  // count, so with a disk that fails fdatasync every later save asks for a flush.
  if (saved && flushed)
    st.last_flush = st.save_started;
  else if (!saved)
    st.last_flush.reset();
  if (st.saver) {
    auto report = st.health.on_save(result, message);
    if (report.what == persistence_report::kind::episode_began)
      ++st.counters->save_failure_episodes;
    log_health_report(st.config.node, report);
  }
  auto outcome = saved ? st.commit->on_saved() : st.commit->on_save_failed();
  observe_save(self, outcome);
  if (saved && st.saver) {
    ++st.counters->saves;
    if (!flushed)
      ++st.counters->saves_unflushed;
  }
  for (auto& ticket : outcome.tickets) {
    if (ticket.write && saved)
      ++st.counters->writes_acked;
    else if (ticket.write)
      count_refused_write(self);
    if (ticket.write && st.write_promises.count(ticket.id) > 0) {
      auto i = st.write_promises.find(ticket.id);
      if (saved)
        i->second.deliver(ticket.stamped);
      else
        i->second.deliver(save_failure_error(self));
      st.write_promises.erase(i);
    } else if (ticket.write) {
      auto i = st.conditional_promises.find(ticket.id);
      if (saved)
        i->second.deliver(true, ticket.stamped);
      else
        i->second.deliver(save_failure_error(self));
      st.conditional_promises.erase(i);
    } else {
      auto i = st.incarnation_promises.find(ticket.id);
      if (saved)
        i->second.deliver(st.commit->durable().incarnation);
      else
        i->second.deliver(save_failure_error(self));
      st.incarnation_promises.erase(i);
    }
  }
  if (outcome.value_changed)
    notify_listeners(self);
  // A waiting sync takes effect once its value is readable, or after a failed save (a
  // full disk): the node then serves its durable value and takes writes, which retry
  // the save.
  if (st.sync_target && (!saved || !(st.commit->current().ver < *st.sync_target)))
    become_synchronized(self);
  // After a failure, only operations that queued behind it get a new attempt; merged
  // remote values wait (unreadable) for the next event, so a broken disk does not cause
  // a retry loop.
  // Each new write is such an event: the first one after space returns saves them too.
  if (saved || st.commit->has_pending())
    start_batch(self);
}

/// Hands the next batch to the save worker unless one is in flight. Without a data
/// dir the batch counts as saved at once.
void start_batch(store_pointer self) {
  auto& st = self->state;
  // Pending operations are sealed into this batch: they wait for durability.
  const bool has_tickets = st.commit->has_pending();
  auto state = st.commit->next_batch();
  if (!state)
    return;
  if (!st.saver) {
    finish_batch(self, save_result::saved, {});
    return;
  }
  st.save_started = std::chrono::steady_clock::now();
  const bool flush = save_must_flush(st.config.unflushed_window, has_tickets,
                                     st.last_flush, st.save_started);
  // No timeout: the local worker always answers; if fsync hangs, clients time out.
  self->request(st.saver, caf::infinite, save_atom::value, *state, flush)
      .then(
          [=](uint8_t result, std::string& message, bool flushed) {
            auto known = result <= static_cast<uint8_t>(save_result::failed);
            finish_batch(self,
                         known ? static_cast<save_result>(result) : save_result::failed,
                         message, flushed);
          },
          [=](caf::error& err) {
            finish_batch(self, save_result::failed,
                         "save worker failed: " + self->system().render(err));
          });
}

/// `via` came from the network: only a valid name goes into the log.
std::string printable_sender(const std::string& via) {
  return valid_node_name(via) ? via : std::string{"a sender with an invalid name"};
}

/// True for 1, 2, 4, 8, ...: refusals are logged at these counts only, so a flood of
/// bad values cannot flood the log.
bool worth_a_log_line(uint64_t count) {
  return count != 0 && (count & (count - 1)) == 0;
}

/// Counts (and now and then logs) a remote value the store refused.
void count_refusal(store_pointer self, merge_result result, const versioned_value& v,
                   const std::string& via) {
  auto& c = *self->state.counters;
  auto& count = result == merge_result::invalid ? c.remote_values_invalid
                                                : c.remote_values_too_far_ahead;
  if (!worth_a_log_line(++count))
    return;
  auto from = printable_sender(via);
  if (result == merge_result::invalid)
    OV_LOG_WARN("{}: refused a value via {}: malformed version ({} such so far)",
                self->state.config.node, from, count);
  else
    OV_LOG_WARN(
        "{}: refused value {} (counter {}) via {}: more than 2^32 above this node's "
        "clock {} past 2^63; the clock moved towards it ({} such so far)",
        self->state.config.node, v.value, v.ver.counter, from,
        self->state.commit->clock(), count);
}

/// Refuses a local write that no counter can order after the current value.
caf::error refuse_exhausted(store_pointer self) {
  ++self->state.counters->writes_refused_exhausted;
  OV_LOG_ERROR(
      "{}: write refused: the version counter is at 2^64-1 (value counter {}); no "
      "write can be ordered after it",
      self->state.config.node, self->state.commit->merged().ver.counter);
  return make_error(store_error::version_exhausted);
}

} // namespace

store_actor::behavior_type store(store_pointer self, store_config config) {
  auto& st = self->state;
  if (!config.data_dir.empty() && !config.restored) {
    // Running without the lock and the loaded state could overwrite another run's file.
    OV_LOG_ERROR("{}: store for data dir {} spawned without open_store; stopping",
                 config.node, config.data_dir);
    self->quit(caf::sec::invalid_argument);
  }
  auto start = config.restored.value_or(durable_state{{config.initial_value, {}}, 0, 1});
  st.commit = config.on_disk
                  ? std::make_unique<group_commit>(start, *config.on_disk, config.node)
                  : std::make_unique<group_commit>(start, config.node);
  if (!config.data_dir.empty()) {
    if (!config.files)
      config.files = posix_file_layer();
    if (config.detached_saver)
      st.saver = self->spawn<caf::detached + caf::linked>(state_saver, config.files,
                                                          config.data_dir, config.slots);
    else
      st.saver = self->spawn<caf::linked>(state_saver, config.files, config.data_dir,
                                          config.slots);
  }
  st.synchronized = config.synchronized;
  st.config = std::move(config);
  if (st.saver)
    self->attach_functor([counters = st.counters, node = st.config.node] {
      OV_LOG_INFO("{}: store stopped: {} writes acknowledged in {} saves ({} of them "
                  "not flushed)",
                  node, counters->writes_acked, counters->saves,
                  counters->saves_unflushed);
      auto refused = counters->writes_refused_exhausted + counters->remote_values_invalid
                     + counters->remote_values_too_far_ahead;
      if (counters->save_failure_episodes > 0)
        OV_LOG_WARN("{}: {} writes refused because their save failed ({} of them on a "
                    "full disk) in {} episodes",
                    node, counters->writes_refused_save_failed,
                    counters->writes_refused_disk_full, counters->save_failure_episodes);
      if (refused > 0)
        OV_LOG_WARN("{}: refused {} writes (counter exhausted), {} remote values with a "
                    "malformed version, {} with a counter too far ahead",
                    node, counters->writes_refused_exhausted,
                    counters->remote_values_invalid,
                    counters->remote_values_too_far_ahead);
    });
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& listeners = self->state.listeners;
    listeners.erase(std::remove_if(listeners.begin(), listeners.end(),
                                   [&](const value_listener_actor& l) {
                                     return l.address() == down.source;
                                   }),
                    listeners.end());
  });
  return {
      [self](get_atom) { return self->state.commit->current(); },
      [self](set_atom, int64_t value) -> caf::result<versioned_value> {
        auto& st = self->state;
        if (!st.synchronized)
          return make_error(store_error::not_synchronized);
        auto id = st.next_ticket++;
        if (!st.commit->stage_write(id, value, wall_clock_us()))
          return refuse_exhausted(self);
        auto promise = self->make_response_promise<versioned_value>();
        st.write_promises.emplace(id, promise);
        start_batch(self);
        return promise;
      },
      [self](set_atom, int64_t value,
             const version& expected) -> caf::result<bool, versioned_value> {
        auto& st = self->state;
        if (!st.synchronized)
          return make_error(store_error::not_synchronized);
        // Checked and staged in one handler: no other write can come in between.
        if (st.commit->latest_version() != expected)
          return {false, st.commit->current()};
        auto id = st.next_ticket++;
        if (!st.commit->stage_write(id, value, wall_clock_us()))
          return refuse_exhausted(self);
        auto promise = self->make_response_promise<bool, versioned_value>();
        st.conditional_promises.emplace(id, promise);
        start_batch(self);
        return promise;
      },
      [self](sync_atom) {
        auto& st = self->state;
        if (st.synchronized)
          return;
        if (st.commit->current() == st.commit->merged())
          become_synchronized(self);
        else
          st.sync_target = st.commit->merged().ver; // until it is saved (finish_batch)
      },
      [self](merge_atom, const versioned_value& incoming, const std::string& via) {
        auto& st = self->state;
        auto result = st.commit->merge_remote(incoming);
        if (result == merge_result::invalid || result == merge_result::too_far_ahead)
          count_refusal(self, result, incoming, via);
        if (result != merge_result::accepted)
          return false;
        observe_applied(self, incoming);
        // One info line per accepted remote value (issue 2). Under heavy write load
        // that is one line per write on every peer; raise log-level to "warning" there.
        OV_LOG_INFO("{}: value {} (counter {}, from {}) via {}", st.config.node,
                    incoming.value, incoming.ver.counter, incoming.ver.node,
                    printable_sender(via));
        // Listeners (readers and gossip alike) hear of it once it is durable here:
        // finish_batch tells them (without a data dir, within start_batch). Gossip
        // waits too, so this node never passes on a value a crash could take back from
        // it; the cost is one fsync per hop of dissemination.
        start_batch(self);
        return true;
      },
      [self](subscribe_atom, value_listener_actor listener) {
        self->monitor(listener);
        self->send(listener, update_atom::value, self->state.commit->current());
        if (self->state.synchronized)
          self->send(listener, sync_atom::value);
        self->state.listeners.push_back(std::move(listener));
      },
      [self](set_atom, incarnation_atom, uint64_t incarnation) -> caf::result<uint64_t> {
        auto& st = self->state;
        auto id = st.next_ticket++;
        auto promise = self->make_response_promise<uint64_t>();
        st.incarnation_promises.emplace(id, promise);
        st.commit->stage_incarnation(id, incarnation);
        start_batch(self);
        return promise;
      },
  };
}

} // namespace onevalue
