// When the store may save without fdatasync: never in eventual mode, never for a batch
// that someone waits on, and at least once per window while values arrive.

#include "actors/core/save_flush.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {
const save_clock::time_point t0{};
} // namespace

TEST_CASE("without a window every save is flushed") {
  CHECK(save_must_flush(0ms, false, t0, t0));
  CHECK(save_must_flush(0ms, false, t0 + 1s, t0 + 1s));
  CHECK(save_must_flush(-5ms, false, t0, t0));
}

TEST_CASE("a batch that operations wait on is always flushed") {
  CHECK(save_must_flush(100ms, true, t0, t0));
  CHECK(save_must_flush(100ms, true, t0, t0 + 1ms));
}

TEST_CASE("merged values go unflushed within the window of the last flushed save") {
  const auto last = t0 + 10s;
  CHECK_FALSE(save_must_flush(100ms, false, last, last));
  CHECK_FALSE(save_must_flush(100ms, false, last, last + 99ms));
  CHECK(save_must_flush(100ms, false, last, last + 100ms));
  CHECK(save_must_flush(100ms, false, last, last + 1h));
  // Before any flushed save: the first save is flushed, whatever the clock says.
  CHECK(save_must_flush(linearizable_unflushed_window, false, std::nullopt, t0));
  CHECK(save_must_flush(linearizable_unflushed_window, false, std::nullopt,
                        save_clock::now()));
}
