// The consensus simulation's network and nodes (see consensus_sim.hpp).

#include "app/sim/consensus_sim_engine.hpp"

#include "actors/core/consensus_codec.hpp"

namespace onevalue::sim {

consensus_settings consensus_sim_config::default_settings() {
  using std::chrono::milliseconds;
  consensus_settings s;
  s.round_timeout = milliseconds{10};
  s.operation_timeout = milliseconds{150};
  s.retry_backoff_min = milliseconds{1};
  s.retry_backoff_max = milliseconds{16};
  // Thrifty accepts widen within [0.5, 4] ms: some rounds reach a majority of the
  // voters asked first, others (delays up to 2 ms each way) widen to every voter.
  s.accept_widen_max = std::chrono::microseconds{4000};
  // A run makes tens of proposals: re-rank the voters often enough to happen in it.
  s.full_accept_every = 7;
  return s;
}

consensus_sim_result run_consensus_sim(const consensus_sim_config& config) {
  return detail::engine{config}.run();
}

namespace detail {

engine::engine(const consensus_sim_config& config)
    : config_(config), rng_(config.seed), start_(time_point{} + std::chrono::hours{1}),
      now_(start_),
      initial_(initial_register_state(static_cast<int64_t>(config.seed % 7))),
      observer_(config.voters, initial_) {
  for (std::size_t i = 0; i < config.voters; ++i) {
    voter_names_.push_back("v" + std::to_string(i + 1));
    acceptors_.push_back({voter_names_.back(), consensus_acceptor{}, {}, {}, 0, start_});
  }
  for (std::size_t i = 0; i < config.proposers; ++i) {
    proposers_.emplace_back();
    proposers_.back().name = "p" + std::to_string(i + 1);
    proposers_.back().cut_until = start_;
    restart_proposer(proposers_.back());
  }
  clients_.resize(config.clients);
  result_.initial = initial_;
}

consensus_sim_result engine::run() {
  for (std::size_t c = 0; c < clients_.size(); ++c)
    push({now_ + uniform(micros{0}, micros{2000}), 0, event_kind::client_turn, c});
  push({now_ + config_.faults.fault_interval, 0, event_kind::fault});
  const auto limit = start_ + std::chrono::minutes{10};
  while (!queue_.empty()) {
    auto e = queue_.top();
    queue_.pop();
    now_ = e.at;
    if (now_ > limit) {
      result_.violations.push_back("the run did not finish within 10 simulated minutes");
      break;
    }
    switch (e.kind) {
    case event_kind::to_acceptor:
    case event_kind::to_proposer:
      deliver(e);
      break;
    case event_kind::save_done:
      save_done(e);
      break;
    case event_kind::proposer_tick: {
      auto& p = proposers_[e.node];
      if (p.core && p.life == e.life && e.at == p.tick_at) {
        p.tick_at = time_point::max();
        take(p, p.core->tick(now_));
      }
      break;
    }
    case event_kind::client_turn:
      client_turn(e.node);
      break;
    case event_kind::fault:
      fault();
      break;
    case event_kind::restart_acceptor:
      if (!acceptors_[e.node].core && acceptors_[e.node].life == e.life)
        restart_acceptor(acceptors_[e.node]);
      break;
    case event_kind::restart_proposer:
      if (!proposers_[e.node].core && proposers_[e.node].life == e.life)
        restart_proposer(proposers_[e.node]);
      break;
    }
  }
  check_final_reads();
  for (auto& v : observer_.finish())
    result_.violations.push_back(v);
  result_.stats.chosen = observer_.chosen_count();
  result_.elapsed = std::chrono::duration_cast<micros>(now_ - start_);
  return std::move(result_);
}

void engine::log(const std::string& line) {
  if (config_.trace)
    result_.trace.push_back(std::to_string((now_ - start_).count() / 1000)
                            + " us: " + line);
}

namespace {

std::string text(const versioned_value& v) {
  return std::to_string(v.value) + "@(" + std::to_string(v.ver.counter) + "," + v.ver.node
         + ")";
}

std::string text(const ballot& b) {
  return "(" + std::to_string(b.counter) + "," + b.proposer + ","
         + std::to_string(b.epoch % 1000) + ")";
}

} // namespace

void engine::push(event e) {
  e.seq = ++seq_;
  queue_.push(std::move(e));
}

micros engine::uniform(micros lo, micros hi) {
  return micros{std::uniform_int_distribution<int64_t>(lo.count(), hi.count())(rng_)};
}

bool engine::cut(const std::string& name) const {
  for (const auto& a : acceptors_)
    if (a.name == name)
      return a.cut_until > now_;
  for (const auto& p : proposers_)
    if (p.name == name)
      return p.cut_until > now_;
  return false;
}

void engine::send(const std::string& from, const std::string& to, bool to_acceptor,
                  const consensus_message& msg) {
  ++result_.stats.messages;
  auto bytes = encode_consensus_message(msg);
  if (!bytes) {
    result_.violations.push_back(from + " produced a message the codec cannot encode");
    return;
  }
  const auto& f = config_.faults;
  if (cut(from) || cut(to) || chance(f.loss)) {
    ++result_.stats.lost;
    return;
  }
  std::size_t target = 0;
  if (to_acceptor) {
    while (target < acceptors_.size() && acceptors_[target].name != to)
      ++target;
  } else {
    while (target < proposers_.size() && proposers_[target].name != to)
      ++target;
  }
  int copies = chance(f.duplicate) ? 2 : 1;
  result_.stats.duplicated += copies - 1;
  for (int i = 0; i < copies; ++i)
    push({now_ + uniform(f.min_delay, f.max_delay), 0,
          to_acceptor ? event_kind::to_acceptor : event_kind::to_proposer, target, 0,
          from, *bytes});
}

void engine::deliver(const event& e) {
  std::string error;
  auto msg = decode_consensus_message(e.bytes, error);
  if (!msg) {
    result_.violations.push_back("a message from " + e.from
                                 + " failed to decode: " + error);
    return;
  }
  if (e.kind == event_kind::to_acceptor) {
    auto& a = acceptors_[e.node];
    if (a.core)
      take(a, a.core->handle(e.from, *msg));
  } else {
    auto& p = proposers_[e.node];
    if (p.core)
      take(p, p.core->handle_reply(e.from, *msg, now_));
  }
}

void engine::take(acceptor_node& a, acceptor_actions actions) {
  if (actions.persist) {
    a.saving = std::move(actions.persist);
    ++result_.stats.saves;
    push({now_ + uniform(config_.faults.min_fsync, config_.faults.max_fsync),
          0,
          event_kind::save_done,
          static_cast<std::size_t>(&a - acceptors_.data()),
          a.life,
          {},
          {},
          a.saving->seq});
  }
  for (auto& r : actions.replies)
    send(a.name, r.to, false, r.message);
  auto problem = a.core->check_invariants();
  if (!problem.empty())
    result_.violations.push_back(a.name + ": " + problem);
}

void engine::save_done(const event& e) {
  auto& a = acceptors_[e.node];
  if (!a.core || a.life != e.life || !a.saving || a.saving->seq != e.save_seq)
    return;
  auto saving = std::move(*a.saving);
  a.saving.reset();
  bool failed = chance(config_.faults.save_failure);
  // A save that fails after its rename (the directory fsync) may still have landed.
  if (!failed || chance(0.5)) {
    if (config_.trace && !saving.state.accepted.none())
      log(a.name + " durably accepted " + text(saving.state.accepted) + " "
          + text(saving.state.state.current) + ", promised "
          + text(saving.state.promised));
    a.disk = saving.state;
    if (!a.disk.accepted.none())
      observer_.on_durable_accept(a.name, a.disk.accepted, a.disk.state);
  }
  if (failed) {
    ++result_.stats.failed_saves;
    take(a, a.core->on_persist_failed(saving.seq));
  } else {
    take(a, a.core->on_persisted(saving.seq));
  }
}

void engine::take(proposer_node& p, proposer_actions actions) {
  if (actions.proposed) {
    if (config_.trace)
      log(p.name + " proposes " + text(actions.proposed->b) + " batch "
          + std::to_string(actions.proposed->batch) + ": "
          + text(actions.proposed->base.current) + " -> "
          + text(actions.proposed->proposed.current) + " ("
          + std::to_string(actions.proposed->evaluation.size()) + " operations)");
    ++result_.stats.proposals;
    observer_.on_proposal(*actions.proposed);
  }
  for (auto& note : actions.notes)
    log(p.name + ": " + note);
  result_.stats.widened_accepts += actions.widened_accepts;
  if (actions.chosen)
    log(p.name + " learns chosen " + text(actions.chosen->current));
  for (auto& s : actions.sends)
    send(p.name, s.to, true, s.message);
  for (auto& d : actions.done) {
    auto it = p.in_hand.find(d.id);
    if (it == p.in_hand.end()) {
      result_.violations.push_back(p.name + " answered operation " + std::to_string(d.id)
                                   + " that it did not hold (twice?)");
      continue;
    }
    auto record = it->second;
    p.in_hand.erase(it);
    if (config_.trace)
      log(p.name + " answers operation " + std::to_string(record) + ": status "
          + std::to_string(static_cast<int>(d.result.status)) + " "
          + text(d.result.current));
    answer(record, d.result);
  }
  auto problem = p.core->check_invariants();
  if (!problem.empty())
    result_.violations.push_back(p.name + ": " + problem);
  auto next = p.core->next_deadline();
  if (next < p.tick_at || p.tick_at <= now_) {
    p.tick_at = next == time_point::max() ? next : std::max(next, now_);
    if (next != time_point::max())
      push({p.tick_at, 0, event_kind::proposer_tick,
            static_cast<std::size_t>(&p - proposers_.data()), p.life});
  }
}

void engine::crash_acceptor(acceptor_node& a) {
  ++result_.stats.acceptor_crashes;
  log(a.name + " crashes");
  // A save in flight may or may not have reached the disk.
  if (a.saving && chance(0.5)) {
    a.disk = a.saving->state;
    if (!a.disk.accepted.none())
      observer_.on_durable_accept(a.name, a.disk.accepted, a.disk.state);
  }
  a.saving.reset();
  a.core.reset();
  if (config_.faults.acceptors_forget)
    a.disk = acceptor_state{};
  ++a.life;
  push({now_ + uniform(micros{1000}, config_.faults.max_outage), 0,
        event_kind::restart_acceptor, static_cast<std::size_t>(&a - acceptors_.data()),
        a.life});
}

void engine::restart_acceptor(acceptor_node& a) {
  // The disk holds bytes: the state goes through the file format and back.
  std::string error;
  auto loaded = decode_acceptor_state(*encode_acceptor_state(a.disk), error);
  if (!loaded || !(*loaded == a.disk)) {
    result_.violations.push_back(a.name + " cannot reload its own state: " + error);
    return;
  }
  a.core.emplace(*loaded);
}

void engine::crash_proposer(proposer_node& p) {
  ++result_.stats.proposer_crashes;
  log(p.name + " crashes");
  // Its clients lose their connection: whatever it held may or may not take effect.
  for (auto& [id, record] : p.in_hand)
    answer(record, {operation_status::unknown, failure_reason::none, {}});
  p.in_hand.clear();
  p.core.reset();
  p.tick_at = time_point::max();
  ++p.life;
  push({now_ + uniform(micros{1000}, config_.faults.max_outage), 0,
        event_kind::restart_proposer, static_cast<std::size_t>(&p - proposers_.data()),
        p.life});
}

void engine::restart_proposer(proposer_node& p) {
  p.core.emplace(proposer_identity{p.name, rng_()}, voter_names_, initial_,
                 config_.settings, rng_());
}

void engine::fault() {
  if (final_phase_)
    return;
  const auto& f = config_.faults;
  auto roll = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (roll < f.acceptor_crash) {
    auto& a = acceptors_[rng_() % acceptors_.size()];
    if (a.core)
      crash_acceptor(a);
  } else if (roll < f.acceptor_crash + f.proposer_crash) {
    auto& p = proposers_[rng_() % proposers_.size()];
    if (p.core)
      crash_proposer(p);
  } else if (roll < f.acceptor_crash + f.proposer_crash + f.cut_off) {
    ++result_.stats.cut_offs;
    auto until = now_ + uniform(micros{1000}, f.max_outage);
    auto pick = rng_() % (acceptors_.size() + proposers_.size());
    log("node " + std::to_string(pick) + " cut off until "
        + std::to_string((until - start_).count() / 1000) + " us");
    if (pick < acceptors_.size())
      acceptors_[pick].cut_until = until;
    else
      proposers_[pick - acceptors_.size()].cut_until = until;
  }
  push({now_ + f.fault_interval, 0, event_kind::fault});
}

} // namespace detail
} // namespace onevalue::sim
