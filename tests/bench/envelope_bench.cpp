// Measures what the envelope costs per message: seal, open, and both, for a small
// datagram (100 B), a full datagram (1,400 B) and a large push-pull frame (100 KB),
// under AES-128 and AES-256; and what a forged message costs a node to drop with one
// and with three installed keys (each key is tried). Prints a Markdown table.
//
//   build/tests/envelope_bench [SECONDS_PER_CELL]     (default 0.2)
//
// Each cell is the median of 5 timed runs of as many operations as fit in the time,
// timed in CPU time of this thread (CLOCK_THREAD_CPUTIME_ID): the cost per message,
// undistorted by other processes on a shared machine (wall time there measured mostly
// the time spent waiting for a core). A benchmark, not a test: it asserts only that
// what it seals opens.

#include "actors/core/envelope.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <time.h>

using namespace onevalue;

namespace {

double seconds_per_cell = 0.2;

/// CPU time this thread has used, in seconds.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "envelope_bench: %s\n", what);
    std::exit(1);
  }
}

/// Median nanoseconds per call of `op` over 5 runs of about `seconds_per_cell` each.
double ns_per_op(const std::function<void()>& op) {
  // Calibrate: how many calls fit in a fifth of the budget.
  std::size_t n = 1;
  for (;;) {
    auto start = cpu_seconds();
    for (std::size_t i = 0; i < n; ++i)
      op();
    if (cpu_seconds() - start > seconds_per_cell / 5 || n > (std::size_t{1} << 30))
      break;
    n *= 2;
  }
  std::vector<double> runs;
  for (int run = 0; run < 5; ++run) {
    auto start = cpu_seconds();
    for (std::size_t i = 0; i < n; ++i)
      op();
    runs.push_back((cpu_seconds() - start) * 1e9 / static_cast<double>(n));
  }
  std::sort(runs.begin(), runs.end());
  return runs[2];
}

std::shared_ptr<const keyring> keys_of(std::vector<std::size_t> sizes) {
  std::vector<secret_key> keys;
  char fill = 'a';
  for (auto size : sizes)
    keys.push_back(*secret_key::from_bytes(std::string(size, fill++)));
  std::string error;
  auto ring = keyring::create(keys, error);
  require(ring.has_value(), "keyring");
  return std::make_shared<const keyring>(*ring);
}

envelope make(std::shared_ptr<const keyring> keys, std::size_t replay_window = 0) {
  envelope_settings s;
  s.label = "bench";
  s.max_message_bytes = 1 << 20;
  s.replay_window = replay_window;
  std::string error;
  auto e = envelope::create(std::move(keys), s, error);
  require(e.has_value(), "envelope");
  return *e;
}

void row(const char* what, std::size_t size, double ns) {
  double mb_per_s = static_cast<double>(size) / ns * 1e3;
  std::printf("| %-34s | %9zu | %10.0f | %9.0f |\n", what, size, ns, mb_per_s);
}

void measure_size(const char* cipher, std::shared_ptr<const keyring> keys,
                  std::size_t size) {
  std::string payload(size, 'p');
  auto sender = make(keys);
  auto receiver = make(keys);
  auto message = *sender.seal(payload);
  require(receiver.open({message.data(), message.size()}).authenticated, "round trip");
  std::string label;
  label = std::string{cipher} + " seal";
  row(label.c_str(), size,
      ns_per_op([&] { require(sender.seal(payload).has_value(), "seal"); }));
  label = std::string{cipher} + " open";
  row(label.c_str(), size, ns_per_op([&] {
        require(bool(receiver.open({message.data(), message.size()})), "open");
      }));
  label = std::string{cipher} + " seal + open";
  row(label.c_str(), size, ns_per_op([&] {
        auto m = sender.seal(payload);
        require(bool(receiver.open({m->data(), m->size()})), "seal + open");
      }));
}

void measure_forgery(const char* what, std::shared_ptr<const keyring> keys,
                     std::size_t size) {
  auto e = make(keys);
  auto forged = *e.seal(std::string(size, 'f'));
  forged.back() = static_cast<char>(forged.back() ^ 1);
  row(what, size, ns_per_op([&] {
        require(!e.open({forged.data(), forged.size()}), "forgery refused");
      }));
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1)
    seconds_per_cell = std::atof(argv[1]);
  std::printf(
      "| operation                          |   payload | CPU ns/msg |    MB / s |\n");
  std::printf(
      "|------------------------------------|----------:|-----------:|----------:|\n");
  const std::size_t sizes[] = {100, 1400, 100 * 1024};
  for (auto size : sizes) {
    measure_size("AES-256-GCM", keys_of({32}), size);
    measure_size("AES-128-GCM", keys_of({16}), size);
  }
  auto plain = make(nullptr);
  for (auto size : sizes) {
    std::string payload(size, 'p');
    row("plaintext envelope seal + open", size, ns_per_op([&] {
          auto m = plain.seal(payload);
          require(bool(plain.open({m->data(), m->size()})), "plaintext");
        }));
  }
  measure_forgery("forged, dropped (1 key)", keys_of({32}), 1400);
  measure_forgery("forged, dropped (3 keys)", keys_of({32, 32, 16}), 1400);
  auto keys = keys_of({32});
  auto sender = make(keys);
  auto filtered = make(keys, datagram_replay_window);
  std::string payload(1400, 'p');
  row("AES-256 seal + open, replay filter", 1400, ns_per_op([&] {
        auto m = sender.seal(payload);
        require(bool(filtered.open({m->data(), m->size()})), "filtered open");
      }));
  return 0;
}
