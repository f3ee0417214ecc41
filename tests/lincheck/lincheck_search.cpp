// The search: Wing & Gong's backtracking over a list of call and return events, in the
// "just-in-time" form (an operation is placed only when it is minimal, i.e. called
// before every return still pending), with a cache of (linearized set, state) pairs
// already explored: a pair met again cannot lead anywhere new.
//
// Three things make it fast on this register's histories:
// - Pinning: version indexes never go down, and an operation with a response pins the
//   index at its linearization point, so a step that raises the index above the pin
//   of an operation still to be placed leads nowhere and is not taken.
// - Reads first: an operation that leaves the state as it is (a read, a failed cas or
//   add) is placed as soon as it fits, with no alternative tried (see `run`).
// - Unknown operations apart: they never return, so they stay pending all along; they
//   live in a list of their own, tried only where the pins leave a gap in the version
//   index (where some unknown change must have happened), instead of being scanned
//   again after every step.

#include "tests/lincheck/lincheck_prepared.hpp"

#include <algorithm>
#include <set>

namespace onevalue::lincheck {

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t hash_state(const model_state& s) {
  return mix(static_cast<uint64_t>(s.value) ^ mix(s.counter ^ mix(s.node)));
}

/// The explored (linearized set, state) pairs, packed in one array of words (one
/// allocation for millions of entries instead of one each). An entry: hash, value,
/// index, node, a header word, then the set's words. The set's bits: definite
/// operations in call order, then (from a word boundary) the unknown ones; it is kept
/// short as the number of leading all-ones words, the definite words after them up to
/// the last non-zero one, and the unknown words up to the last non-zero one.
class state_cache {
public:
  /// Adds the pair; false if it was there already.
  bool insert(uint64_t hash, const model_state& state, const std::vector<uint64_t>& bits,
              std::size_t unknown_from) {
    auto start = pool_.size();
    pool_.push_back(hash);
    pool_.push_back(static_cast<uint64_t>(state.value));
    pool_.push_back(state.counter);
    pool_.push_back(state.node);
    auto trimmed_end = [&](std::size_t from, std::size_t end) {
      while (end > from && bits[end - 1] == 0)
        --end;
      return end;
    };
    std::size_t full = 0;
    while (full < unknown_from && bits[full] == ~uint64_t{0})
      ++full;
    auto definite_end = trimmed_end(full, unknown_from);
    auto unknown_end = trimmed_end(unknown_from, bits.size());
    auto definite_words = definite_end - full;
    auto words = definite_words + unknown_end - unknown_from;
    pool_.push_back(full | (definite_words << 21) | (uint64_t{words} << 42));
    pool_.insert(pool_.end(), bits.begin() + static_cast<std::ptrdiff_t>(full),
                 bits.begin() + static_cast<std::ptrdiff_t>(definite_end));
    pool_.insert(pool_.end(), bits.begin() + static_cast<std::ptrdiff_t>(unknown_from),
                 bits.begin() + static_cast<std::ptrdiff_t>(unknown_end));
    if (claim(start))
      return true;
    pool_.resize(start);
    return false;
  }

private:
  static constexpr std::size_t header = 5;
  std::size_t length(std::size_t at) const {
    return header + static_cast<std::size_t>(pool_[at + 4] >> 42);
  }
  bool same(std::size_t a, std::size_t b) const {
    auto n = length(a);
    return n == length(b)
           && std::equal(pool_.begin() + static_cast<std::ptrdiff_t>(a),
                         pool_.begin() + static_cast<std::ptrdiff_t>(a + n),
                         pool_.begin() + static_cast<std::ptrdiff_t>(b));
  }

  /// Open addressing with linear probing: a slot holds an entry's offset plus one.
  bool claim(std::size_t entry) {
    if (2 * (count_ + 1) > slots_.size())
      grow();
    auto mask = slots_.size() - 1;
    for (auto i = pool_[entry] & mask;; i = (i + 1) & mask) {
      if (slots_[i] == 0) {
        slots_[i] = entry + 1;
        ++count_;
        return true;
      }
      if (pool_[slots_[i] - 1] == pool_[entry] && same(slots_[i] - 1, entry))
        return false;
    }
  }
  void grow() {
    std::vector<std::size_t> old(std::max<std::size_t>(1024, slots_.size() * 2), 0);
    old.swap(slots_);
    auto mask = slots_.size() - 1;
    for (auto slot : old) {
      if (slot == 0)
        continue;
      auto i = pool_[slot - 1] & mask;
      while (slots_[i] != 0)
        i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<uint64_t> pool_;
  std::vector<std::size_t> slots_;
  std::size_t count_ = 0;
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
    for (std::size_t i = 0; i < p.definite; ++i) {
      events_.push_back({p.call[i], false, i});
      events_.push_back({p.ret[i], true, i});
    }
    // At equal times calls come first: such operations count as concurrent.
    std::sort(events_.begin(), events_.end(), [](const event& a, const event& b) {
      return std::tie(a.time, a.is_return, a.op) < std::tie(b.time, b.is_return, b.op);
    });
    head_ = events_.size();
    link(next_, prev_, events_.size());
    call_at_.resize(p.definite);
    ret_at_.resize(p.definite);
    for (std::size_t e = 0; e < events_.size(); ++e)
      (events_[e].is_return ? ret_at_ : call_at_)[events_[e].op] = e;
    // The unknown operations, already in call order: node k is operation definite + k.
    unknown_head_ = n - p.definite;
    link(unext_, uprev_, unknown_head_);
    unknown_from_ = (p.definite + 63) / 64;
    bits_.assign(unknown_from_ + (unknown_head_ + 63) / 64, 0);
    zobrist_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      zobrist_[i] = mix(i * 2 + 1);
      if (p.pinned[i])
        pins_.insert({*p.pinned[i], i});
    }
  }

  report::verdict run(uint64_t max_states, uint64_t& explored, deepest& best) {
    state_ = p_.initial;
    // Where the scan of the current configuration's candidates stands: in the event
    // list (definite calls up to the first pending return), then in the unknown list.
    bool in_unknown = false;
    std::size_t at = next_[head_];
    auto restart = [&] {
      in_unknown = false;
      at = next_[head_];
    };
    // Undoes placements back to the last one that has an alternative; false if none.
    auto backtrack = [&] {
      while (!stack_.empty()) {
        auto top = stack_.back();
        stack_.pop_back();
        unplace(top.op);
        state_ = top.before;
        if (!top.forced) {
          in_unknown = top.op >= p_.definite;
          at = in_unknown ? unext_[top.op - p_.definite] : next_[call_at_[top.op]];
          if (in_unknown)
            limit_ = first_return();
          return true;
        }
      }
      return false;
    };
    while (true) {
      std::size_t op = 0;
      if (!in_unknown) {
        if (at == head_) // no return pending: every definite operation is placed
          return report::verdict::linearizable;
        const auto& ev = events_[at];
        if (ev.is_return) {
          // The definite candidates are done; the unknown ones can only fill a gap.
          in_unknown = true;
          limit_ = ev;
          at = gap_open() ? unext_[unknown_head_] : unknown_head_;
          continue;
        }
        op = ev.op;
      } else {
        if (at == unknown_head_ || p_.call[p_.definite + at] > limit_.time) {
          // No candidate left: the first pending return's operation finds no place.
          if (!best.found || stack_.size() > best.depth)
            remember(limit_.op, best);
          if (!backtrack())
            return report::verdict::not_linearizable;
          continue;
        }
        op = p_.definite + at;
      }
      switch (try_place(op, explored)) {
      case outcome_of_try::placed:
        if (explored > max_states)
          return report::verdict::undecided;
        restart();
        continue;
      case outcome_of_try::dead_end:
        if (!backtrack())
          return report::verdict::not_linearizable;
        continue;
      case outcome_of_try::not_placed:
        at = in_unknown ? unext_[at] : next_[at];
        continue;
      }
    }
  }

private:
  struct event {
    int64_t time;
    bool is_return;
    std::size_t op;
  };
  struct placed {
    std::size_t op;
    model_state before;
    bool forced;
  };
  enum class outcome_of_try { placed, not_placed, dead_end };

  static void link(std::vector<std::size_t>& next, std::vector<std::size_t>& prev,
                   std::size_t count) {
    next.resize(count + 1);
    prev.resize(count + 1);
    for (std::size_t i = 0; i <= count; ++i) {
      next[i] = i == count ? (count == 0 ? count : 0) : (i + 1 == count ? count : i + 1);
      prev[i] = i == 0 ? count : i - 1;
    }
    prev[count] = count == 0 ? count : count - 1;
  }

  outcome_of_try try_place(std::size_t op, uint64_t& explored) {
    model_state after;
    if (!step(p_.ops[op], state_, after) || !reachable(op, after))
      return outcome_of_try::not_placed;
    // An operation that leaves the state as it is (a read, a failed cas or add) is
    // placed at once and no alternative is tried: it is minimal (called before every
    // pending return), so any linearization placing it later can place it here
    // instead. Without this, clients reading one state would make the search try every
    // subset of their reads.
    bool forced = after == state_;
    flip(op);
    if (!cache_.insert(set_hash_ ^ hash_state(after), after, bits_, unknown_from_)) {
      flip(op);
      // Explored before with it placed, which loses nothing: a dead end here too.
      return forced ? outcome_of_try::dead_end : outcome_of_try::not_placed;
    }
    ++explored;
    stack_.push_back({op, state_, forced});
    state_ = after;
    lift(op);
    return outcome_of_try::placed;
  }

  void unplace(std::size_t op) {
    flip(op);
    unlift(op);
  }

  std::size_t bit_of(std::size_t op) const {
    return op < p_.definite ? op : unknown_from_ * 64 + (op - p_.definite);
  }
  void flip(std::size_t op) {
    auto bit = bit_of(op);
    bits_[bit / 64] ^= uint64_t{1} << (bit % 64);
    set_hash_ ^= zobrist_[op];
  }
  static void unlink(std::vector<std::size_t>& next, std::vector<std::size_t>& prev,
                     std::size_t e) {
    next[prev[e]] = next[e];
    prev[next[e]] = prev[e];
  }
  static void relink(std::vector<std::size_t>& next, std::vector<std::size_t>& prev,
                     std::size_t e) {
    next[prev[e]] = e;
    prev[next[e]] = e;
  }
  void lift(std::size_t op) {
    if (op >= p_.definite) {
      unlink(unext_, uprev_, op - p_.definite);
      return;
    }
    unlink(next_, prev_, call_at_[op]);
    unlink(next_, prev_, ret_at_[op]);
    if (p_.pinned[op])
      pins_.erase({*p_.pinned[op], op});
  }
  void unlift(std::size_t op) {
    if (op >= p_.definite) {
      relink(unext_, uprev_, op - p_.definite);
      return;
    }
    relink(next_, prev_, ret_at_[op]);
    relink(next_, prev_, call_at_[op]);
    if (p_.pinned[op])
      pins_.insert({*p_.pinned[op], op});
  }

  /// The first pending return (there is one while definite operations are unplaced).
  const event& first_return() const {
    auto e = next_[head_];
    while (!events_[e].is_return)
      e = next_[e];
    return events_[e];
  }
  /// True if an unknown change may happen now: no operation still to be placed pins
  /// the version index where it is.
  bool gap_open() const { return pins_.empty() || pins_.begin()->first > state_.counter; }

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

  void remember(std::size_t blocked, deepest& best) const {
    best.found = true;
    best.depth = stack_.size();
    best.blocked = blocked;
    best.state = state_;
    best.recent.clear();
    for (std::size_t i = stack_.size() > 5 ? stack_.size() - 5 : 0; i < stack_.size();
         ++i)
      best.recent.push_back(stack_[i].op);
    // Why it does not fit: its outcome is impossible here, or placing it would overtake
    // an operation that saw a lower version index.
    model_state after;
    best.blocker.reset();
    if (step(p_.ops[blocked], state_, after))
      best.blocker = lowest_pin_except(blocked);
  }

  const prepared& p_;
  std::vector<event> events_;
  std::size_t head_;
  std::vector<std::size_t> next_, prev_, call_at_, ret_at_;
  /// The unknown operations' list (node k: operation definite + k), sentinel at the end.
  std::size_t unknown_head_;
  std::vector<std::size_t> unext_, uprev_;
  /// The word of `bits_` where the unknown operations' bits start.
  std::size_t unknown_from_;
  std::vector<uint64_t> bits_;
  std::vector<uint64_t> zobrist_;
  uint64_t set_hash_ = 0;
  model_state state_;
  /// While the unknown operations are scanned: the first pending return, before which
  /// a candidate must have been called.
  event limit_{};
  /// The pinned indexes of the operations not placed yet, with the operation.
  std::set<std::pair<uint64_t, std::size_t>> pins_;
  std::vector<placed> stack_;
  state_cache cache_;
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
  auto quick = precheck(h);
  if (!quick.empty()) {
    r.result = report::verdict::not_linearizable;
    r.explanation = quick;
    return r;
  }
  deepest best;
  search s{p};
  r.result = s.run(options.max_states, r.states_explored, best);
  if (r.result != report::verdict::linearizable && best.found) {
    r.explanation = explain(h, p, best);
    if (r.result == report::verdict::undecided)
      r.explanation = "where the search got furthest:\n" + r.explanation;
  }
  return r;
}

} // namespace onevalue::lincheck
