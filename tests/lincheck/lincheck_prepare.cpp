#include "tests/lincheck/lincheck_prepared.hpp"

#include <algorithm>
#include <numeric>

namespace onevalue::lincheck {

namespace {

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
  if (op.result == outcome::ok && change && op.response && op.response->ver.counter == 0)
    return "a change cannot result in version index 0";
  return {};
}

model_op to_model(const history_op& op, node_names& names) {
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
  return m;
}

} // namespace

std::string prepare(const history& h, prepared& p, outcome_counts& counts) {
  auto& names = p.names;
  p.initial = {h.initial.value, h.initial.ver.counter, names.id(h.initial.ver.node)};
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    auto problem = validate(op);
    if (!problem.empty())
      return "operation " + std::to_string(i) + " (" + describe(op) + "): " + problem;
    ++counts[static_cast<int>(op.type)][static_cast<int>(op.result)];
    bool searched = op.result != outcome::refused
                    && !(op.result == outcome::unknown && op.type == op_type::read);
    if (searched)
      kept.push_back(i);
  }
  // Definite operations first, then the unknown ones, each in call order.
  std::stable_sort(kept.begin(), kept.end(), [&](std::size_t a, std::size_t b) {
    bool ua = h.ops[a].result == outcome::unknown;
    bool ub = h.ops[b].result == outcome::unknown;
    return ua != ub ? ub : h.ops[a].call < h.ops[b].call;
  });
  for (auto i : kept) {
    const auto& op = h.ops[i];
    auto m = to_model(op, names);
    std::optional<uint64_t> pin;
    if (m.has_response)
      pin = m.result == outcome::ok && m.type != op_type::read ? m.response.counter - 1
                                                               : m.response.counter;
    p.definite += op.result != outcome::unknown;
    p.pinned.push_back(pin);
    p.ops.push_back(m);
    p.source.push_back(i);
    p.call.push_back(op.call);
    p.ret.push_back(op.result == outcome::unknown ? never : op.ret);
  }
  return {};
}

} // namespace onevalue::lincheck
