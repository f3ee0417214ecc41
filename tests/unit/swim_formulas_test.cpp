#include "actors/core/swim_formulas.hpp"

#include <doctest/doctest.h>

#include <initializer_list>

using namespace onevalue;
using std::chrono::milliseconds;

TEST_CASE("suspicion timeout is mult * max(1, log10 n) * probe interval") {
  struct row {
    int mult;
    std::size_t n;
    long long interval_ms;
    long long expected_ms;
  };
  for (auto r : {row{4, 1, 1000, 4000}, row{4, 5, 1000, 4000}, row{4, 10, 1000, 4000},
                 row{4, 100, 1000, 8000}, row{4, 1000, 1000, 12000},
                 row{5, 100, 200, 2000}, row{4, 0, 1000, 4000}}) {
    CAPTURE(r.n);
    CHECK(suspicion_timeout(r.mult, r.n, milliseconds{r.interval_ms}).count()
          == r.expected_ms);
  }
}

TEST_CASE("dynamic suspicion timeout shrinks from max to min with confirmations") {
  auto min = milliseconds{4000};
  auto max = milliseconds{24000};
  struct row {
    std::size_t confirmations;
    std::size_t expected;
    long long result_ms;
  };
  for (auto r : {row{0, 3, 24000}, row{1, 3, 14000}, row{2, 3, 8150}, row{3, 3, 4000},
                 row{7, 3, 4000}, row{0, 0, 4000}, row{5, 0, 4000}}) {
    CAPTURE(r.confirmations);
    CAPTURE(r.expected);
    CHECK(dynamic_suspicion_timeout(r.confirmations, r.expected, min, max).count()
          == r.result_ms);
  }
}

TEST_CASE("retransmit limit is mult * ceil(log10(n + 1))") {
  struct row {
    int mult;
    std::size_t n;
    std::size_t expected;
  };
  for (auto r : {row{4, 0, 0}, row{4, 1, 4}, row{4, 9, 4}, row{4, 10, 8}, row{4, 99, 8},
                 row{4, 100, 12}, row{4, 10000, 20}, row{3, 50, 6}}) {
    CAPTURE(r.n);
    CHECK(retransmit_limit(r.mult, r.n) == r.expected);
  }
}

TEST_CASE(
    "push-pull interval is base up to 32 members, then base * (ceil(log2(n / 32)) + 1)") {
  struct row {
    std::size_t n;
    long long expected_ms;
  };
  for (auto r :
       {row{0, 30000}, row{1, 30000}, row{32, 30000}, row{33, 60000}, row{64, 60000},
        row{65, 90000}, row{128, 90000}, row{129, 120000}, row{1000, 180000},
        row{1024, 180000}, row{1025, 210000}, row{10000, 300000}}) {
    CAPTURE(r.n);
    CHECK(scaled_push_pull_interval(milliseconds{30000}, r.n).count() == r.expected_ms);
  }
  CHECK(scaled_push_pull_interval(milliseconds{5000}, 50).count() == 10000);
}

TEST_CASE("health delta is clamped to 0..max-1 and a max below 1 disables it") {
  struct row {
    int score;
    int delta;
    int max;
    int expected;
  };
  for (auto r : {row{0, 1, 8, 1}, row{0, -1, 8, 0}, row{3, 2, 8, 5}, row{6, 3, 8, 7},
                 row{7, 1, 8, 7}, row{7, -1, 8, 6}, row{2, -5, 8, 0}, row{0, 3, 1, 0},
                 row{0, 3, 0, 0}, row{4, 0, 8, 4}}) {
    CAPTURE(r.score);
    CAPTURE(r.delta);
    CAPTURE(r.max);
    CHECK(apply_health_delta(r.score, r.delta, r.max) == r.expected);
  }
}

TEST_CASE("health-scaled intervals are base * (score + 1)") {
  struct row {
    long base;
    int score;
    long expected;
  };
  for (auto r : {row{1000, 0, 1000}, row{1000, 1, 2000}, row{500, 7, 4000},
                 row{200, 3, 800}, row{100, -2, 100}}) {
    CAPTURE(r.score);
    CHECK(scale_by_health(milliseconds{r.base}, r.score) == milliseconds{r.expected});
  }
}
