#include "tests/lincheck/lincheck.hpp"
#include "tests/lincheck/lincheck_json.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <sstream>

using namespace onevalue;
using namespace onevalue::lincheck;

namespace {

using verdict = report::verdict;

versioned_value at(int64_t value, uint64_t counter, const std::string& node) {
  return {value, {counter, node}};
}

/// Builds histories tersely: every operation is on node "n<client>".
struct builder {
  history h;

  history_op& add_op(uint64_t client, op_type type, int64_t arg, outcome result,
                     int64_t call, int64_t ret, std::optional<versioned_value> response) {
    history_op op;
    op.client = client;
    op.node = "n" + std::to_string(client);
    op.type = type;
    op.argument = arg;
    op.result = result;
    op.call = call;
    op.ret = ret;
    op.response = std::move(response);
    h.ops.push_back(op);
    return h.ops.back();
  }
  void read(uint64_t c, int64_t call, int64_t ret, versioned_value seen) {
    add_op(c, op_type::read, 0, outcome::ok, call, ret, seen);
  }
  /// An acknowledged write stamped (counter, n<client>).
  void write(uint64_t c, int64_t v, int64_t call, int64_t ret, uint64_t counter) {
    add_op(c, op_type::write, v, outcome::ok, call, ret,
           at(v, counter, "n" + std::to_string(c)));
  }
  void unknown_write(uint64_t c, int64_t v, int64_t call) {
    add_op(c, op_type::write, v, outcome::unknown, call, 0, std::nullopt);
  }
  void cas(uint64_t c, version expected, int64_t v, outcome result, int64_t call,
           int64_t ret, std::optional<versioned_value> response) {
    add_op(c, op_type::cas, v, result, call, ret, std::move(response)).expected =
        expected;
  }
  void add(uint64_t c, int64_t d, outcome result, int64_t call, int64_t ret,
           std::optional<versioned_value> response) {
    add_op(c, op_type::add, d, result, call, ret, std::move(response));
  }

  report run(check_options options = {}) const {
    auto r = check(h, options);
    INFO(format_report(r));
    return r;
  }
};

} // namespace

TEST_CASE("an empty history is linearizable") {
  CHECK(builder{}.run().result == verdict::linearizable);
}

TEST_CASE("a read after an acknowledged write sees it") {
  builder b;
  b.write(1, 5, 0, 10, 1);
  b.read(2, 20, 30, at(5, 1, "n1"));
  CHECK(b.run().result == verdict::linearizable);
}

TEST_CASE("a stale read after an acknowledged write is not linearizable") {
  builder b;
  b.write(1, 5, 0, 10, 1);
  b.read(2, 20, 30, at(0, 0, ""));
  auto r = b.run();
  CHECK(r.result == verdict::not_linearizable);
  CHECK(r.explanation.find("an operation saw an older version than one that had returned "
                           "before it was called:\n"
                           "    client 1 on n1 write(5) ok 5 at (1, n1) [0, 10]\n"
                           "    client 2 on n2 read ok 0 at (0, ) [20, 30]")
        == 0);
}

TEST_CASE("the search explains where no linearization exists") {
  // Every version condition holds, but the add's result needs a 7 at index 2, and the
  // only change that could have made index 2 wrote 6.
  builder b;
  b.write(1, 5, 0, 10, 1);
  b.add(2, 1, outcome::ok, 20, 30, at(8, 3, "n2"));
  b.unknown_write(3, 6, 25);
  auto r = b.run();
  CHECK(r.result == verdict::not_linearizable);
  CHECK(
      r.explanation.find("no linearization places client 2 on n2 add(1) ok 8 at (3, n2)")
      == 0);
  CHECK(r.explanation.find("register holds 6 at version (2, n3);\n  and its outcome is "
                           "impossible in that state")
        != std::string::npos);
  CHECK(r.explanation.find("client 3 on n3 write(6) unknown [25, never]")
        != std::string::npos);
  b.h.ops.back().argument = 7;
  CHECK(b.run().result == verdict::linearizable);
}

TEST_CASE("two states under one version index are not linearizable") {
  builder b;
  b.write(1, 5, 0, 10, 1);
  b.write(2, 6, 0, 10, 1);
  auto r = b.run();
  CHECK(r.result == verdict::not_linearizable);
  CHECK(r.explanation.find("two operations report different states") == 0);
}

TEST_CASE("a change that does not follow from the known state before it is caught") {
  builder b;
  b.write(1, 5, 0, 10, 1);
  b.add(2, 1, outcome::ok, 20, 30, at(7, 2, "n2"));
  auto r = b.run();
  CHECK(r.result == verdict::not_linearizable);
  CHECK(r.explanation.find("a change does not follow from the state before it") == 0);
}

TEST_CASE("a read concurrent with a write may see either value") {
  for (int64_t seen : {0, 5}) {
    builder b;
    b.write(1, 5, 0, 100, 1);
    b.read(2, 10, 20, seen == 0 ? at(0, 0, "") : at(5, 1, "n1"));
    CHECK(b.run().result == verdict::linearizable);
  }
}

TEST_CASE("two reads in a row may not see the new value and then the old one") {
  builder b;
  b.write(1, 5, 0, 100, 1);
  b.read(2, 10, 20, at(5, 1, "n1"));
  b.read(3, 30, 40, at(0, 0, ""));
  CHECK(b.run().result == verdict::not_linearizable);
}

TEST_CASE("an unknown write may take effect long after the client gave up") {
  builder b;
  b.unknown_write(1, 7, 0);
  b.read(2, 10, 20, at(0, 0, ""));
  b.read(2, 1000, 1010, at(7, 1, "n1"));
  CHECK(b.run().result == verdict::linearizable);
}

TEST_CASE("an unknown write may never take effect") {
  builder b;
  b.unknown_write(1, 7, 0);
  b.write(2, 3, 10, 20, 1);
  b.read(3, 30, 40, at(3, 1, "n2"));
  CHECK(b.run().result == verdict::linearizable);
}

TEST_CASE("an unknown write cannot take effect before it was called") {
  builder b;
  b.read(2, 0, 10, at(7, 1, "n1"));
  b.unknown_write(1, 7, 20);
  CHECK(b.run().result == verdict::not_linearizable);
}

TEST_CASE("concurrent cas on one version: one winner is fine, two are not") {
  builder one;
  one.write(1, 1, 0, 10, 1);
  one.cas(2, {1, "n1"}, 2, outcome::ok, 20, 40, at(2, 2, "n2"));
  one.cas(3, {1, "n1"}, 3, outcome::fail, 20, 40, at(2, 2, "n2"));
  CHECK(one.run().result == verdict::linearizable);

  builder two;
  two.write(1, 1, 0, 10, 1);
  two.cas(2, {1, "n1"}, 2, outcome::ok, 20, 40, at(2, 2, "n2"));
  two.cas(3, {1, "n1"}, 3, outcome::ok, 20, 40, at(3, 2, "n3"));
  CHECK(two.run().result == verdict::not_linearizable);
}

TEST_CASE("a cas that failed although the version matched is not linearizable") {
  builder b;
  b.write(1, 1, 0, 10, 1);
  b.cas(2, {1, "n1"}, 2, outcome::fail, 20, 30, std::nullopt);
  CHECK(b.run().result == verdict::not_linearizable);
}

TEST_CASE("a lost add is not linearizable") {
  builder b;
  b.add(1, 1, outcome::ok, 0, 10, at(1, 1, "n1"));
  b.add(2, 1, outcome::ok, 5, 15, at(1, 1, "n2"));
  b.read(3, 20, 30, at(1, 1, "n2"));
  CHECK(b.run().result == verdict::not_linearizable);

  builder fine;
  fine.add(1, 1, outcome::ok, 0, 10, at(1, 1, "n1"));
  fine.add(2, 1, outcome::ok, 5, 15, at(2, 2, "n2"));
  fine.read(3, 20, 30, at(2, 2, "n2"));
  CHECK(fine.run().result == verdict::linearizable);
}

TEST_CASE("an add fails exactly when it would overflow") {
  constexpr auto max = std::numeric_limits<int64_t>::max();
  builder b;
  b.write(1, max, 0, 10, 1);
  b.add(2, 1, outcome::fail, 20, 30, at(max, 1, "n1"));
  CHECK(b.run().result == verdict::linearizable);
  builder wrong;
  wrong.write(1, 5, 0, 10, 1);
  wrong.add(2, 1, outcome::fail, 20, 30, std::nullopt);
  CHECK(wrong.run().result == verdict::not_linearizable);
}

TEST_CASE("a version index that skips a change needs an unknown change to explain it") {
  builder b;
  b.write(1, 1, 0, 10, 1);
  b.write(2, 2, 20, 30, 3);
  CHECK(b.run().result == verdict::not_linearizable);
  b.unknown_write(3, 9, 5);
  CHECK(b.run().result == verdict::linearizable);
}

TEST_CASE("refused operations and unknown reads are counted and not searched") {
  builder b;
  b.add_op(1, op_type::write, 3, outcome::refused, 0, 10, std::nullopt);
  b.add_op(2, op_type::read, 0, outcome::unknown, 0, 0, std::nullopt);
  b.read(3, 20, 30, at(0, 0, ""));
  auto r = b.run();
  CHECK(r.result == verdict::linearizable);
  CHECK(r.searched_ops == 1);
  CHECK(r.counts[static_cast<int>(op_type::write)][static_cast<int>(outcome::refused)]
        == 1);
  CHECK(r.counts[static_cast<int>(op_type::read)][static_cast<int>(outcome::unknown)]
        == 1);
  CHECK(r.counts[static_cast<int>(op_type::read)][static_cast<int>(outcome::ok)] == 1);
}

TEST_CASE("malformed histories are reported invalid, naming the operation") {
  builder b;
  SUBCASE("a failed read") {
    b.add_op(1, op_type::read, 0, outcome::fail, 0, 1, std::nullopt);
  }
  SUBCASE("an ok read without response") {
    b.add_op(1, op_type::read, 0, outcome::ok, 0, 1, std::nullopt);
  }
  SUBCASE("a return before the call") {
    b.read(1, 10, 5, at(0, 0, ""));
  }
  SUBCASE("a change without a node") {
    b.add_op(1, op_type::write, 1, outcome::unknown, 0, 0, std::nullopt).node.clear();
  }
  auto r = b.run();
  CHECK(r.result == verdict::invalid);
  CHECK(r.explanation.find("operation 0") == 0);
}

TEST_CASE("the search budget turns a long search into undecided") {
  // Eight concurrent adds without responses can be placed in any order; a read that
  // nothing explains makes the search try every subset of them first.
  builder b;
  for (uint64_t c = 1; c <= 8; ++c)
    b.add(c, 1, outcome::ok, 0, 100, std::nullopt);
  b.read(9, 200, 210, at(100, 8, "n8"));
  check_options tiny;
  tiny.max_states = 3;
  CHECK(b.run(tiny).result == verdict::undecided);
  auto full = b.run();
  CHECK(full.result == verdict::not_linearizable);
  CHECK(full.states_explored >= 255);
}

TEST_CASE("random histories of a real atomic register check linearizable") {
  // Clients run operations against one atomic register; each takes effect at a random
  // instant inside its interval; some are cut off (unknown) and may never take effect.
  std::mt19937_64 rng{7};
  for (int round = 0; round < 50; ++round) {
    history h;
    versioned_value state;
    struct pending {
      history_op op;
      int64_t effect;
    };
    std::vector<pending> ops;
    for (uint64_t c = 0; c < 6; ++c) {
      int64_t t = static_cast<int64_t>(rng() % 20);
      for (int i = 0; i < 15; ++i) {
        history_op op;
        op.client = c;
        op.node = "n" + std::to_string(c % 3);
        op.type = static_cast<op_type>(rng() % 4);
        op.argument = static_cast<int64_t>(rng() % 5);
        op.call = t;
        op.ret = t + 1 + static_cast<int64_t>(rng() % 40);
        ops.push_back(
            {op, op.call + static_cast<int64_t>(rng() % (op.ret - op.call + 1))});
        t = op.ret + static_cast<int64_t>(rng() % 10);
      }
    }
    std::sort(ops.begin(), ops.end(),
              [](const pending& a, const pending& b) { return a.effect < b.effect; });
    for (auto& p : ops) {
      auto& op = p.op;
      bool cut = rng() % 10 == 0;
      if (op.type == op_type::cas)
        op.expected = rng() % 2 ? state.ver : version{state.ver.counter + 1, "n0"};
      bool effect = !(cut && rng() % 2);
      bool changes = op.type == op_type::write || op.type == op_type::add
                     || (op.type == op_type::cas && op.expected == state.ver);
      if (effect && changes) {
        state.value = op.type == op_type::add ? state.value + op.argument : op.argument;
        state.ver = {state.ver.counter + 1, op.node};
      }
      op.result =
          cut ? outcome::unknown
              : (op.type == op_type::cas && !changes ? outcome::fail : outcome::ok);
      op.response = state;
      h.ops.push_back(op);
    }
    auto r = check(h);
    INFO(format_report(r));
    REQUIRE(r.result == verdict::linearizable);
    // A read that sees a version nobody wrote can never be explained.
    auto bad = h;
    history_op ghost;
    ghost.client = 99;
    ghost.node = "n0";
    ghost.call = 0;
    ghost.ret = 1000;
    ghost.response = at(-1, 1'000'000, "ghost");
    bad.ops.push_back(ghost);
    CHECK(check(bad).result == verdict::not_linearizable);
  }
}

TEST_CASE("histories are read from JSON Lines") {
  std::istringstream in{
      R"({"initial": {"value": 42, "version": {"counter": 0, "node": ""}}})"
      "\n"
      R"({"client": 1, "node": "n1", "type": "write", "value": 5, "outcome": "ok", )"
      R"("response": {"value": 5, "version": {"counter": 1, "node": "n1"}}, "call": 1, "return": 2})"
      "\n\n"
      R"({"client": 2, "node": "n2", "type": "cas", "value": 6, "expected": {"counter": 0, "node": ""}, )"
      R"("outcome": "fail", "call": 3, "return": 4})"
      "\n"
      R"({"client": 3, "node": "n3", "type": "add", "delta": 2, "outcome": "unknown", "call": 5})"
      "\n"};
  std::string error;
  auto h = parse_history(in, error);
  REQUIRE_MESSAGE(h, error);
  CHECK(h->initial.value == 42);
  REQUIRE(h->ops.size() == 3);
  CHECK(h->ops[1].expected == version{0, ""});
  CHECK(h->ops[2].argument == 2);
  auto r = check(*h);
  CHECK(r.result == verdict::linearizable);
  auto json = report_json(r, 0.5);
  CHECK(json.find(R"("verdict":"linearizable")") != std::string::npos);
  CHECK(json.find(R"("cas":{"fail":1)") != std::string::npos);
}

TEST_CASE("a malformed JSON line is reported with its number") {
  std::istringstream in{
      "{\"type\": \"read\", \"outcome\": \"ok\", \"call\": 1, \"return\": 2, "
      "\"response\": {\"value\": 1, \"version\": {\"counter\": 0, \"node\": \"\"}}}\n"
      "{\"type\": \"write\", \"outcome\": \"ok\", \"call\": 1}\n"};
  std::string error;
  CHECK_FALSE(parse_history(in, error));
  CHECK(error.find("line 2") == 0);
}
