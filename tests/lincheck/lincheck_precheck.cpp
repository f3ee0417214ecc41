// Necessary conditions the register's versions give, checked in O(n log n) before the
// search: a history that breaks one is not linearizable, and the pair of operations
// that breaks it is the explanation. The search alone would find the same, but a
// defect early in a long history can make it try every way of placing the unknown
// operations before it gives up (a lost write in the middle of 5,000 operations with
// 5 % unknown took more than 20 million states); these checks answer at once.
//
// In the model, the version index counts changes, so one index names one state, one
// change makes each index, and indexes never go down. Hence, for operations with a
// response (ok or fail, with "response"):
//   (a) two operations that report the same index report the same state;
//   (b) no two successful changes report the same index;
//   (c) if A returned before B was called, the index after A is at most the index
//       before B (the index B saw, or one below the one B made);
//   (d) a successful change to index i follows from the state at i-1 where that state
//       is known (reported by someone): a write sets its value, an add adds its delta
//       without overflow, a cas expected that version (whose index must be i-1); a
//       failed operation failed for its reason in the state it reports.

#include "tests/lincheck/lincheck_prepared.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace onevalue::lincheck {

namespace {

struct observation {
  const history_op* op;
  uint64_t before; // the index just before the operation took effect
  uint64_t after;  // the index right after it
  bool change;
};

std::string pair_text(const char* what, const history_op& a, const history_op& b) {
  return std::string(what) + "\n    " + describe(a) + "\n    " + describe(b) + "\n";
}

} // namespace

/// Returns an explanation if `h` breaks one of the conditions above, else "".
std::string precheck(const history& h) {
  std::vector<observation> seen;
  for (const auto& op : h.ops) {
    if (!op.response || (op.result != outcome::ok && op.result != outcome::fail))
      continue;
    bool change = op.result == outcome::ok && op.type != op_type::read;
    uint64_t after = op.response->ver.counter;
    if (change && after == 0)
      return "a change cannot result in version index 0:\n    " + describe(op) + "\n";
    seen.push_back({&op, change ? after - 1 : after, after, change});
  }
  history_op initial;
  initial.node = "(initial state)";
  initial.response = h.initial;
  initial.call = initial.ret = std::numeric_limits<int64_t>::min();
  std::map<uint64_t, const history_op*> state_at{{h.initial.ver.counter, &initial}};
  std::map<uint64_t, const history_op*> made;
  for (const auto& o : seen) {
    auto [it, fresh] = state_at.emplace(o.after, o.op);
    if (!fresh && *it->second->response != *o.op->response)
      return pair_text("two operations report different states under one version index:",
                       *it->second, *o.op);
    if (o.change) {
      auto [m, first] = made.emplace(o.after, o.op);
      if (!first)
        return pair_text(
            "two changes both claim to have made one version index:", *m->second, *o.op);
    }
  }
  // (d)
  for (const auto& o : seen) {
    const auto& op = *o.op;
    const auto& now = *op.response;
    if (op.result == outcome::fail) {
      int64_t sum = 0;
      bool overflow = __builtin_add_overflow(now.value, op.argument, &sum);
      if ((op.type == op_type::cas && op.expected == now.ver)
          || (op.type == op_type::add && !overflow))
        return "an operation failed although the state it reports lets it succeed:\n    "
               + describe(op) + "\n";
      continue;
    }
    if (!o.change)
      continue;
    if (op.type == op_type::cas && op.expected.counter != o.before)
      return "a cas succeeded on a version whose index is not the one before its own:\n  "
             "  "
             + describe(op) + "\n";
    if (op.type == op_type::write && now.value != op.argument)
      return "a write reports another value than it wrote:\n    " + describe(op) + "\n";
    auto prior = state_at.find(o.before);
    if (prior == state_at.end())
      continue;
    const auto& was = *prior->second->response;
    int64_t sum = 0;
    bool fits =
        op.type == op_type::write || (op.type == op_type::cas && op.expected == was.ver)
        || (op.type == op_type::add
            && !__builtin_add_overflow(was.value, op.argument, &sum) && sum == now.value);
    if (!fits)
      return pair_text(
          "a change does not follow from the state before it:", *prior->second, op);
  }
  // (c): sweep the operations by call time, keeping the one with the highest index
  // after it among those that returned before.
  auto by_return = seen;
  std::sort(
      by_return.begin(), by_return.end(),
      [](const observation& a, const observation& b) { return a.op->ret < b.op->ret; });
  auto by_call = seen;
  std::sort(
      by_call.begin(), by_call.end(),
      [](const observation& a, const observation& b) { return a.op->call < b.op->call; });
  std::size_t next = 0;
  const observation* newest = nullptr;
  for (const auto& o : by_call) {
    while (next < by_return.size() && by_return[next].op->ret < o.op->call) {
      if (!newest || newest->after < by_return[next].after)
        newest = &by_return[next];
      ++next;
    }
    if (newest && newest->after > o.before)
      return pair_text("an operation saw an older version than one that had returned "
                       "before it was called:",
                       *newest->op, *o.op);
  }
  return {};
}

} // namespace onevalue::lincheck
