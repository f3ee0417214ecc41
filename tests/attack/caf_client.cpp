// A test-only attacker for tests/integration/test_security_outsider.py: a real CAF
// 0.17 client that does what any CAF program can do against a node's cluster port,
// `middleman().remote_actor(host, port)` (BASP's connect, handshake and lookup of the
// published actor), with the node's own application identifier so that it gets as far
// as CAF lets a peer get. Nothing is published any more, so it must fail; the test then
// checks that the node is alive and its value and members unchanged. Never built into
// the node.
//
// caf_client HOST PORT [TIMES=1]
//   Prints one line per attempt, "refused after N ms: REASON" (exit 0 when every attempt
//   failed) or "connected after N ms: got an actor" (exit 3).

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

int run(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: caf_client HOST PORT [TIMES]\n";
    return 2;
  }
  std::string host = argv[1];
  auto port = static_cast<uint16_t>(std::stoi(argv[2]));
  int times = argc > 3 ? std::stoi(argv[3]) : 1;
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  // The node's identifier (app/config/caf_defaults.cpp): a CAF peer with another one is
  // refused by CAF itself, which would prove nothing about onevalue.
  cfg.set("middleman.app-identifiers",
          caf::config_value{std::vector<std::string>{"onevalue"}});
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  int connected = 0;
  for (int i = 0; i < times; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto found = sys.middleman().remote_actor(host, port);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    if (found) {
      ++connected;
      std::cout << "connected after " << ms << " ms: got an actor" << std::endl;
    } else {
      std::cout << "refused after " << ms << " ms: " << sys.render(found.error())
                << std::endl;
    }
  }
  return connected > 0 ? 3 : 0;
}

} // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "caf_client: " << e.what() << "\n";
    return 2;
  }
}
