// The search: Wing & Gong's backtracking over a list of call and return events, in the
// "just-in-time" form (an operation is placed only when it is minimal, i.e. called
// before every return still in the list), with a cache of (linearized set, state)
// pairs already explored: a pair met again cannot lead anywhere new.
//
// One pruning specific to this register: version indexes never go down, and an
// operation with a response pins the index at its linearization point. So a step that
// raises the index above the pinned index of an operation still to be placed leads
// nowhere and is not taken. Without it, every unknown change that never took effect
// would be tried at every point of the history, in every combination with the others.

#include "tests/lincheck/lincheck_model.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <unordered_set>

namespace onevalue::lincheck {

namespace {

constexpr int64_t never = std::numeric_limits<int64_t>::max();

struct prepared {
  std::vector<model_op> ops;
  /// Index into the history's operations, per searched operation.
  std::vector<std::size_t> source;
  std::vector<int64_t> call;
  std::vector<int64_t> ret; // `never` for unknown operations
  /// The version index the register must hold just before the operation, if its
  /// response pins it.
  std::vector<std::optional<uint64_t>> pinned;
  model_state initial;
  node_names names;
};

std::string validate(const history_op& op) {
  bool change = op.type != op_type::read;
  if (op.result == outcome::fail
      && (op.type == op_type::read || op.type == op_type::write))
    return "a " + std::string(name_of(op.type)) + " cannot fail (use refused)";
  if (op.result == outcome::ok && op.type == op_type::read && !op.response)
    return "an ok read needs its response";
  if (change && op.result != outcome::refused && op.result != outcome::fail
      && op.node.empty() && !(op.response && !op.response->ver.node.empty()))
    return "a change needs the node it was sent to";
  if (op.result != outcome::unknown && op.result != outcome::refused && op.ret < op.call)
    return "returns before its call";
  return {};
}

/// Validates `h`, counts outcomes, and keeps the operations the search must place.
std::string prepare(const history& h, prepared& p, outcome_counts& counts) {
  auto& names = p.names;
  p.initial = {h.initial.value, h.initial.ver.counter, names.id(h.initial.ver.node)};
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    auto problem = validate(op);
    if (!problem.empty())
      return "operation " + std::to_string(i) + " (" + describe(op) + "): " + problem;
    ++counts[static_cast<int>(op.type)][static_cast<int>(op.result)];
    if (op.result == outcome::refused
        || (op.result == outcome::unknown && op.type == op_type::read))
      continue;
    model_op m;
    m.type = op.type;
    m.result = op.result;
    m.argument = op.argument;
    m.expected_counter = op.expected.counter;
    m.expected_node = names.id(op.expected.node);
    m.stamp = names.id(op.node);
    // Unknown operations have no response worth checking (the client never got one).
    if (op.response && op.result != outcome::unknown) {
      m.has_response = true;
      m.response = {op.response->value, op.response->ver.counter,
                    names.id(op.response->ver.node)};
      if (op.type != op_type::read && op.result == outcome::ok)
        m.stamp = m.response.node;
    }
    std::optional<uint64_t> pin;
    if (m.has_response) {
      bool changed = m.result == outcome::ok && m.type != op_type::read;
      if (!changed)
        pin = m.response.counter;
      else if (m.response.counter > 0)
        pin = m.response.counter - 1;
      else
        return "operation " + std::to_string(i) + " (" + describe(op)
               + "): a change cannot result in version index 0";
    }
    p.pinned.push_back(pin);
    p.ops.push_back(m);
    p.source.push_back(i);
    p.call.push_back(op.call);
    p.ret.push_back(op.result == outcome::unknown ? never : op.ret);
  }
  return {};
}

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t hash_state(const model_state& s) {
  return mix(static_cast<uint64_t>(s.value) ^ mix(s.counter ^ mix(s.node)));
}

/// A explored (linearized set, state) pair.
struct cache_entry {
  uint64_t hash;
  model_state state;
  std::vector<uint64_t> bits;
};
struct cache_hash {
  std::size_t operator()(const cache_entry& e) const { return e.hash; }
};
struct cache_equal {
  bool operator()(const cache_entry& a, const cache_entry& b) const {
    return a.hash == b.hash && a.state == b.state && a.bits == b.bits;
  }
};

/// Where the search got furthest before it had to backtrack: for the explanation.
struct deepest {
  bool found = false;
  std::size_t depth = 0;
  std::size_t blocked = 0;            // the operation that found no place
  model_state state;                  // the register's state at that point
  std::vector<std::size_t> recent;    // the last operations placed before it
  std::optional<std::size_t> blocker; // the operation it would overtake, if that is why
};

class search {
public:
  explicit search(const prepared& p) : p_(p) {
    std::size_t n = p.ops.size();
    for (std::size_t i = 0; i < n; ++i) {
      events_.push_back({p.call[i], false, i});
      events_.push_back({p.ret[i], true, i});
    }
    // At equal times calls come first: such operations count as concurrent.
    std::sort(events_.begin(), events_.end(), [](const event& a, const event& b) {
      return std::tie(a.time, a.is_return, a.op) < std::tie(b.time, b.is_return, b.op);
    });
    head_ = events_.size();
    next_.resize(events_.size() + 1);
    prev_.resize(events_.size() + 1);
    call_at_.resize(n);
    ret_at_.resize(n);
    for (std::size_t e = 0; e < events_.size(); ++e) {
      next_[e] = e + 1 == events_.size() ? head_ : e + 1;
      prev_[e] = e == 0 ? head_ : e - 1;
      (events_[e].is_return ? ret_at_ : call_at_)[events_[e].op] = e;
    }
    next_[head_] = events_.empty() ? head_ : 0;
    prev_[head_] = events_.empty() ? head_ : events_.size() - 1;
    bits_.assign((n + 63) / 64, 0);
    zobrist_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      zobrist_[i] = mix(i * 2 + 1);
      if (p.pinned[i])
        pins_.insert({*p.pinned[i], i});
    }
  }

  report::verdict run(uint64_t max_states, uint64_t& explored, deepest& best) {
    model_state state = p_.initial;
    uint64_t set_hash = 0;
    std::size_t e = next_[head_];
    while (true) {
      if (e == head_)
        return report::verdict::linearizable;
      const auto& ev = events_[e];
      if (ev.is_return) {
        // Every return left before this one was passed, so if this operation never
        // returns, all that must be placed is placed.
        if (p_.ret[ev.op] == never)
          return report::verdict::linearizable;
        if (!best.found || stack_.size() > best.depth)
          remember(ev.op, state, best);
        if (stack_.empty())
          return report::verdict::not_linearizable;
        auto [op, before] = stack_.back();
        stack_.pop_back();
        flip(op);
        set_hash ^= zobrist_[op];
        state = before;
        unlift(op);
        e = next_[call_at_[op]];
        continue;
      }
      model_state after;
      if (step(p_.ops[ev.op], state, after) && reachable(ev.op, after)) {
        flip(ev.op);
        set_hash ^= zobrist_[ev.op];
        if (cache_.insert({set_hash ^ hash_state(after), after, bits_}).second) {
          if (++explored > max_states)
            return report::verdict::undecided;
          stack_.push_back({ev.op, state});
          state = after;
          lift(ev.op);
          e = next_[head_];
          continue;
        }
        flip(ev.op);
        set_hash ^= zobrist_[ev.op];
      }
      e = next_[e];
    }
  }

private:
  struct event {
    int64_t time;
    bool is_return;
    std::size_t op;
  };

  void flip(std::size_t op) { bits_[op / 64] ^= uint64_t{1} << (op % 64); }
  void unlink(std::size_t e) {
    next_[prev_[e]] = next_[e];
    prev_[next_[e]] = prev_[e];
  }
  void relink(std::size_t e) {
    next_[prev_[e]] = e;
    prev_[next_[e]] = e;
  }
  void lift(std::size_t op) {
    unlink(call_at_[op]);
    unlink(ret_at_[op]);
    if (p_.pinned[op])
      pins_.erase({*p_.pinned[op], op});
  }
  void unlift(std::size_t op) {
    relink(ret_at_[op]);
    relink(call_at_[op]);
    if (p_.pinned[op])
      pins_.insert({*p_.pinned[op], op});
  }
  /// False if placing `op` to reach `after` leaves another operation still to be
  /// placed with a pinned index below `after`'s.
  bool reachable(std::size_t op, const model_state& after) const {
    auto blocker = lowest_pin_except(op);
    return !blocker || after.counter <= *p_.pinned[*blocker];
  }
  /// The operation not placed yet, other than `op`, with the lowest pinned index.
  std::optional<std::size_t> lowest_pin_except(std::size_t op) const {
    auto lowest = pins_.begin();
    if (lowest != pins_.end() && lowest->second == op)
      ++lowest;
    if (lowest == pins_.end())
      return std::nullopt;
    return lowest->second;
  }
  void remember(std::size_t blocked, const model_state& state, deepest& best) {
    best.found = true;
    best.depth = stack_.size();
    best.blocked = blocked;
    best.state = state;
    best.recent.clear();
    for (std::size_t i = stack_.size() > 5 ? stack_.size() - 5 : 0; i < stack_.size();
         ++i)
      best.recent.push_back(stack_[i].first);
    // Why it does not fit: its outcome is impossible here, or placing it would overtake
    // an operation that saw a lower version index.
    model_state after;
    best.blocker.reset();
    if (step(p_.ops[blocked], state, after))
      best.blocker = lowest_pin_except(blocked);
  }

  const prepared& p_;
  std::vector<event> events_;
  std::size_t head_;
  std::vector<std::size_t> next_, prev_, call_at_, ret_at_;
  std::vector<uint64_t> bits_;
  std::vector<uint64_t> zobrist_;
  /// The pinned indexes of the operations not placed yet, with the operation.
  std::set<std::pair<uint64_t, std::size_t>> pins_;
  std::vector<std::pair<std::size_t, model_state>> stack_;
  std::unordered_set<cache_entry, cache_hash, cache_equal> cache_;
};

std::string explain(const history& h, const prepared& p, const deepest& best) {
  auto state_text = [&](const model_state& s) {
    return std::to_string(s.value) + " at version (" + std::to_string(s.counter) + ", "
           + p.names.name(s.node) + ")";
  };
  const auto& blocked = h.ops[p.source[best.blocked]];
  std::string out = "no linearization places " + describe(blocked) + "\n";
  out += "  the longest linearizable prefix has " + std::to_string(best.depth)
         + " operations, ending with:\n";
  for (auto i : best.recent)
    out += "    " + describe(h.ops[p.source[i]]) + "\n";
  out += "  after which the register holds " + state_text(best.state) + ";\n";
  if (best.blocker)
    out += "  placing it would raise the version index past the one this operation, not "
           "placed yet, saw:\n    "
           + describe(h.ops[p.source[*best.blocker]]) + "\n";
  else
    out += "  and its outcome is impossible in that state\n";
  out += "  operations concurrent with it:\n";
  int64_t from = p.call[best.blocked];
  int64_t to = p.ret[best.blocked];
  int listed = 0;
  for (std::size_t i = 0; i < p.ops.size() && listed < 12; ++i) {
    if (i == best.blocked || p.call[i] > to || p.ret[i] < from)
      continue;
    out += "    " + describe(h.ops[p.source[i]]) + "\n";
    ++listed;
  }
  if (listed == 0)
    out += "    (none)\n";
  return out;
}

} // namespace

report check(const history& h, const check_options& options) {
  report r;
  prepared p;
  auto problem = prepare(h, p, r.counts);
  if (!problem.empty()) {
    r.result = report::verdict::invalid;
    r.explanation = problem;
    return r;
  }
  r.searched_ops = p.ops.size();
  deepest best;
  search s{p};
  r.result = s.run(options.max_states, r.states_explored, best);
  if (r.result == report::verdict::not_linearizable) {
    r.explanation = explain(h, p, best);
  }
  return r;
}

} // namespace onevalue::lincheck
