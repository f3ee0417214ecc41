#include "actors/core/cluster_mode.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

TEST_CASE("cluster mode: eventual mode's digest is 0 whatever the voters") {
  CHECK(cluster_mode_digest(consistency_mode::eventual, {}) == 0);
  CHECK(cluster_mode_digest(consistency_mode::eventual, {"n1", "n2", "n3"}) == 0);
}

TEST_CASE("cluster mode: linearizable digests ignore the order of the voters") {
  auto a = cluster_mode_digest(consistency_mode::linearizable, {"n1", "n2", "n3"});
  auto b = cluster_mode_digest(consistency_mode::linearizable, {"n3", "n1", "n2"});
  CHECK(a != 0);
  CHECK(a == b);
}

TEST_CASE("cluster mode: another voter list gives another digest") {
  auto three = cluster_mode_digest(consistency_mode::linearizable, {"n1", "n2", "n3"});
  CHECK(three != cluster_mode_digest(consistency_mode::linearizable, {"n1", "n2", "n4"}));
  CHECK(three != cluster_mode_digest(consistency_mode::linearizable, {"n1"}));
  CHECK(three
        != cluster_mode_digest(consistency_mode::linearizable,
                               {"n1", "n2", "n3", "n4", "n5"}));
  // Names are separated: moving a character across a boundary changes the digest.
  CHECK(cluster_mode_digest(consistency_mode::linearizable, {"ab", "c", "d"})
        != cluster_mode_digest(consistency_mode::linearizable, {"a", "bc", "d"}));
}

TEST_CASE("cluster mode: parsing and describing") {
  consistency_mode m = consistency_mode::eventual;
  CHECK(parse_consistency_mode("linearizable", m));
  CHECK(m == consistency_mode::linearizable);
  CHECK(parse_consistency_mode("eventual", m));
  CHECK(m == consistency_mode::eventual);
  CHECK_FALSE(parse_consistency_mode("strong", m));
  CHECK(describe_cluster_mode(consistency_mode::linearizable, {"n1", "n2", "n3"})
        == "linearizable with voters n1, n2, n3");
  CHECK(describe_cluster_mode(consistency_mode::eventual, {}) == "eventual");
}
