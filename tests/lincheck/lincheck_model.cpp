#include "tests/lincheck/lincheck_model.hpp"

namespace onevalue::lincheck {

namespace {

bool matches_response(const model_op& op, const model_state& s) {
  return !op.has_response || s == op.response;
}

/// A change to `value`: the index goes up by one and the change is stamped.
bool change(const model_op& op, const model_state& s, int64_t value, model_state& out) {
  out = model_state{value, s.counter + 1, op.stamp};
  return matches_response(op, out);
}

/// The operation took place without effect.
bool no_effect(const model_op& op, const model_state& s, model_state& out) {
  out = s;
  return matches_response(op, s);
}

} // namespace

bool step(const model_op& op, const model_state& s, model_state& out) {
  bool failed = op.result == outcome::fail;
  switch (op.type) {
  case op_type::read:
    return no_effect(op, s, out);
  case op_type::write:
    return change(op, s, op.argument, out);
  case op_type::cas: {
    bool same = s.counter == op.expected_counter && s.node == op.expected_node;
    if (failed)
      return !same && no_effect(op, s, out);
    return same && change(op, s, op.argument, out);
  }
  case op_type::add: {
    int64_t sum = 0;
    bool overflow = __builtin_add_overflow(s.value, op.argument, &sum);
    if (failed)
      return overflow && no_effect(op, s, out);
    return !overflow && change(op, s, sum, out);
  }
  }
  return false;
}

} // namespace onevalue::lincheck
