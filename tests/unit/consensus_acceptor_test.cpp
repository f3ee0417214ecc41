#include "actors/core/consensus_acceptor.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

ballot b(uint64_t counter, const std::string& proposer = "n1") {
  return ballot{counter, proposer, 7};
}

register_state written(int64_t v) {
  auto s = initial_register_state(0);
  apply_operation(s, {operation_kind::write, v, {}}, "n1");
  return s;
}

struct fixture {
  consensus_acceptor acceptor;

  ~fixture() { CHECK(acceptor.check_invariants() == ""); }

  /// Delivers `msg` from its ballot's proposer and completes the persist it asks for;
  /// returns the single reply.
  consensus_message send(const consensus_message& msg) {
    auto from = std::visit([](const auto& m) { return m.b.proposer; }, msg);
    auto out = acceptor.handle(from, msg);
    if (out.persist) {
      CHECK(out.replies.empty());
      out = acceptor.on_persisted(out.persist->seq);
    }
    REQUIRE(out.replies.size() == 1);
    CHECK(out.replies[0].to == from);
    return out.replies[0].message;
  }
};

} // namespace

TEST_CASE("a promise is answered only after its state is durable") {
  consensus_acceptor acceptor;
  auto out = acceptor.handle("n1", prepare_message{b(3)});
  CHECK(out.replies.empty());
  REQUIRE(out.persist);
  CHECK(out.persist->state.promised == b(3));
  auto done = acceptor.on_persisted(out.persist->seq);
  REQUIRE(done.replies.size() == 1);
  auto promise = std::get<promise_message>(done.replies[0].message);
  CHECK(promise.b == b(3));
  CHECK(promise.accepted.none());
  CHECK(acceptor.check_invariants() == "");
}

TEST_CASE("a lower prepare is rejected with the ballot that beat it") {
  fixture f;
  f.send(prepare_message{b(5)});
  auto reply = std::get<reject_message>(f.send(prepare_message{b(4, "n2")}));
  CHECK(reply.b == b(4, "n2"));
  CHECK(reply.phase == consensus_phase::prepare);
  CHECK(reply.seen == b(5));
}

TEST_CASE("a duplicate prepare is promised again with the same answer") {
  fixture f;
  f.send(prepare_message{b(5)});
  auto again = std::get<promise_message>(f.send(prepare_message{b(5)}));
  CHECK(again.b == b(5));
}

TEST_CASE("an accept stores the state and promises the proposer's next ballot") {
  fixture f;
  f.send(prepare_message{b(5)});
  auto reply = std::get<accepted_message>(f.send(accept_message{b(5), written(9), true}));
  CHECK(reply.promised_next);
  CHECK(f.acceptor.state().accepted == b(5));
  CHECK(f.acceptor.state().promised == b(6));
  CHECK(f.acceptor.state().state == written(9));
  SUBCASE("the fast path: the next ballot is accepted without a prepare") {
    auto next =
        std::get<accepted_message>(f.send(accept_message{b(6), written(10), true}));
    CHECK(next.b == b(6));
    CHECK(f.acceptor.state().promised == b(7));
  }
  SUBCASE("another proposer's ballot between the two is refused") {
    auto r = std::get<reject_message>(f.send(prepare_message{b(5, "n9")}));
    CHECK(r.seen == b(6));
  }
  SUBCASE("a prepare above the promise gets the accepted state") {
    auto p = std::get<promise_message>(f.send(prepare_message{b(8, "n2")}));
    CHECK(p.accepted == b(5));
    CHECK(p.state == written(9));
  }
}

TEST_CASE("an accept below the promise is rejected") {
  fixture f;
  f.send(prepare_message{b(5, "n2")});
  auto r = std::get<reject_message>(f.send(accept_message{b(4), written(1), true}));
  CHECK(r.phase == consensus_phase::accept);
  CHECK(r.seen == b(5, "n2"));
  CHECK(f.acceptor.state().accepted.none());
}

TEST_CASE(
    "a duplicate accept is confirmed, claiming the next promise only if it stands") {
  fixture f;
  f.send(accept_message{b(5), written(1), true});
  auto dup = std::get<accepted_message>(f.send(accept_message{b(5), written(1), true}));
  CHECK(dup.promised_next);
  f.send(prepare_message{b(9, "n2")});
  auto late = std::get<accepted_message>(f.send(accept_message{b(5), written(1), true}));
  CHECK_FALSE(late.promised_next);
  CHECK(f.acceptor.state().promised == b(9, "n2"));
  SUBCASE("a different state under the same ballot is refused") {
    auto bad = f.send(accept_message{b(5), written(2), true});
    CHECK(std::holds_alternative<reject_message>(bad));
    CHECK(f.acceptor.state().state == written(1));
  }
}

TEST_CASE("messages during a persist share the next one") {
  consensus_acceptor acceptor;
  auto first = acceptor.handle("n1", prepare_message{b(1)});
  REQUIRE(first.persist);
  auto second = acceptor.handle("n2", prepare_message{b(2, "n2")});
  auto third = acceptor.handle("n3", prepare_message{b(3, "n3")});
  CHECK_FALSE(second.persist);
  CHECK_FALSE(third.persist);
  CHECK(second.replies.empty());
  auto done = acceptor.on_persisted(first.persist->seq);
  REQUIRE(done.replies.size() == 1);
  CHECK(done.replies[0].to == "n1");
  REQUIRE(done.persist);
  CHECK(done.persist->state.promised == b(3, "n3"));
  auto rest = acceptor.on_persisted(done.persist->seq);
  REQUIRE(rest.replies.size() == 2);
  CHECK(rest.replies[0].to == "n2");
  CHECK(std::holds_alternative<promise_message>(rest.replies[0].message));
  CHECK(rest.replies[1].to == "n3");
  CHECK_FALSE(rest.persist);
  CHECK(acceptor.check_invariants() == "");
}

TEST_CASE("a failed persist drops the replies that needed it and retries with the next") {
  consensus_acceptor acceptor;
  auto first = acceptor.handle("n1", prepare_message{b(1)});
  REQUIRE(first.persist);
  auto failed = acceptor.on_persist_failed(first.persist->seq);
  CHECK(failed.replies.empty());
  CHECK_FALSE(failed.persist);
  CHECK_FALSE(failed.notes.empty());
  // The promise stays in memory (it only restricts), and is saved with the next change.
  auto retry = acceptor.handle("n1", prepare_message{b(1)});
  REQUIRE(retry.persist);
  CHECK(retry.persist->state.promised == b(1));
  auto done = acceptor.on_persisted(retry.persist->seq);
  REQUIRE(done.replies.size() == 1);
  CHECK(std::holds_alternative<promise_message>(done.replies[0].message));
  CHECK(acceptor.check_invariants() == "");
}

TEST_CASE("a stale persist confirmation is ignored") {
  consensus_acceptor acceptor;
  auto first = acceptor.handle("n1", prepare_message{b(1)});
  REQUIRE(first.persist);
  auto wrong = acceptor.on_persisted(first.persist->seq + 1);
  CHECK(wrong.replies.empty());
  CHECK(acceptor.persisting());
}

TEST_CASE("an answer that changes nothing goes out at once when the state is durable") {
  fixture f;
  f.send(prepare_message{b(5)});
  auto out = f.acceptor.handle("n2", prepare_message{b(2, "n2")});
  CHECK_FALSE(out.persist);
  REQUIRE(out.replies.size() == 1);
  CHECK(std::holds_alternative<reject_message>(out.replies[0].message));
}

TEST_CASE("a restarted acceptor keeps the promises of its durable state") {
  acceptor_state saved;
  {
    fixture f;
    f.send(accept_message{b(5), written(4), true});
    saved = f.acceptor.state();
  }
  consensus_acceptor restarted{saved};
  auto out = restarted.handle("n2", prepare_message{b(5, "n2")});
  REQUIRE(out.replies.size() == 1);
  CHECK(std::get<reject_message>(out.replies[0].message).seen == b(6));
  auto ok = restarted.handle("n2", prepare_message{b(6, "n2")});
  REQUIRE(ok.persist);
  auto reply = restarted.on_persisted(ok.persist->seq);
  CHECK(std::get<promise_message>(reply.replies[0].message).state == written(4));
}

TEST_CASE("requests whose ballot names another proposer, and replies, are ignored") {
  consensus_acceptor acceptor;
  auto forged = acceptor.handle("n2", prepare_message{b(3, "n1")});
  CHECK(forged.replies.empty());
  CHECK_FALSE(forged.persist);
  CHECK_FALSE(forged.notes.empty());
  auto reply = acceptor.handle("n1", accepted_message{b(3), true});
  CHECK(reply.replies.empty());
  CHECK_FALSE(reply.notes.empty());
  auto malformed = written(1);
  malformed.proposers.push_back({"x", 1, 1, 5});
  auto bad = acceptor.handle("n1", accept_message{b(3), malformed, true});
  CHECK(bad.replies.empty());
  CHECK(acceptor.state().accepted.none());
}
