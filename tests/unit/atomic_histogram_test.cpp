#include "actors/metrics/atomic_histogram.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <thread>
#include <vector>

using namespace onevalue;

TEST_CASE("an atomic histogram counts cumulatively per bound, with +Inf and the sum") {
  atomic_histogram h{{0.1, 1, 10}, 1e-6};
  for (double v : {0.05, 0.1, 0.5, 3.0, 20.0})
    h.observe(v);
  auto c = h.collect();
  REQUIRE(c.bucket.size() == 4);
  CHECK(c.bucket[0].upper_bound == 0.1);
  CHECK(c.bucket[0].cumulative_count == 2); // an observation on a bound counts in it
  CHECK(c.bucket[1].cumulative_count == 3);
  CHECK(c.bucket[2].cumulative_count == 4);
  CHECK(std::isinf(c.bucket[3].upper_bound));
  CHECK(c.bucket[3].cumulative_count == 5);
  CHECK(c.sample_count == 5);
  CHECK(c.sample_sum == doctest::Approx(23.65));
  CHECK(h.count() == 5);
}

TEST_CASE("negative and NaN observations count as 0, so the sum never goes down") {
  atomic_histogram h{{1}, 1e-3};
  h.observe(-5);
  h.observe(std::nan(""));
  auto c = h.collect();
  CHECK(c.bucket[0].cumulative_count == 2);
  CHECK(c.sample_sum == 0);
}

TEST_CASE("observations from many threads are all counted") {
  atomic_histogram h{exponential_bounds(1, 2, 4), 1};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i)
        h.observe(i % 20);
    });
  for (auto& t : threads)
    t.join();
  auto c = h.collect();
  CHECK(c.sample_count == 40000);
  CHECK(c.sample_sum == doctest::Approx(4 * 500 * 190));
}

TEST_CASE("exponential bounds multiply from the start") {
  CHECK(exponential_bounds(0.5, 2, 4) == std::vector<double>{0.5, 1, 2, 4});
  CHECK(exponential_bounds(1, 2, 0).empty());
}
