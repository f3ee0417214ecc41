// A test-only attacker for tests/integration/test_security*.py: crafts datagrams and TCP
// frames against a running node with the node's own codec and envelope, as an outsider
// (no key, or a wrong one) or as an insider who holds the cluster key and sends
// well-formed but hostile messages. Never built into the node.
//
// attack_tool [--key BASE64] [--label L] [--sender NAME@HOST:PORT] [--repeat N]
//             [--flip BYTE] COMMAND ARGS...
//   value HOST PORT VALUE COUNTER WRITER     gossip a value with that version
//   left HOST PORT VICTIM VHOST VPORT INC    gossip that VICTIM (at VHOST:VPORT) left
//   flood HOST PORT COUNT                    gossip COUNT made-up members, 20 a datagram
//   pingreq HOST PORT TARGET                 ask the node to probe TARGET for us
//   ping HOST PORT                           a ping from the sender (a join)
//   frame HOST PORT LENGTH                   TCP: a frame header of LENGTH, then wait
//   raw HOST PORT HEX                        TCP: send HEX bytes, then wait
// Datagrams go out --repeat times each (a replay), with bit 0 of byte --flip flipped
// after sealing (a tampered capture). TCP commands print "closed after N ms" or
// "open after N ms" (the node kept the connection for the whole wait of 3 s).

#include "actors/core/datagram_codec.hpp"
#include "actors/core/key_encoding.hpp"
#include "actors/core/stream_frame.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace onevalue;

namespace {

struct options {
  std::optional<secret_key> key;
  std::string label;
  member_info sender{"mallory", "127.0.0.1", 17946, 18080, member_state::alive, 1};
  int repeat = 1;
  long flip = -1;
};

[[noreturn]] void die(const std::string& why) {
  std::cerr << "attack_tool: " << why << "\n";
  std::exit(2);
}

sockaddr_in address_of(const std::string& host, const std::string& port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::stoi(port)));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1)
    die("not an IPv4 address: " + host);
  return a;
}

void send_packets(const options& o, const std::string& host, const std::string& port,
                  const std::vector<packet>& packets) {
  std::shared_ptr<const keyring> keys;
  if (o.key) {
    std::string error;
    auto ring = keyring::create({*o.key}, error);
    if (!ring)
      die(error);
    keys = std::make_shared<const keyring>(*ring);
  }
  envelope_settings s;
  s.label = o.label;
  s.max_message_bytes = max_datagram_bytes;
  std::string error;
  auto env = envelope::create(keys, s, error);
  if (!env)
    die(error);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  auto to = address_of(host, port);
  std::size_t sent = 0;
  for (const auto& p : packets) {
    auto bytes = seal_packet(*env, p);
    if (!bytes)
      die("cannot encode a packet");
    if (o.flip >= 0 && static_cast<std::size_t>(o.flip) < bytes->size())
      (*bytes)[static_cast<std::size_t>(o.flip)] ^= 1;
    for (int i = 0; i < o.repeat; ++i) {
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the socket API
      sendto(fd, bytes->data(), bytes->size(), 0, reinterpret_cast<sockaddr*>(&to),
             sizeof(to));
      ++sent;
    }
  }
  close(fd);
  std::cout << "sent " << sent << " datagrams\n";
}

void send_tcp(const std::string& host, const std::string& port,
              const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  auto to = address_of(host, port);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the socket API
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0)
    die("cannot connect");
  auto start = std::chrono::steady_clock::now();
  if (write(fd, bytes.data(), bytes.size()) < 0)
    die("cannot write");
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
    if (elapsed >= 3000) {
      std::cout << "open after " << elapsed << " ms\n";
      break;
    }
    if (poll(&p, 1, static_cast<int>(3000 - elapsed)) > 0
        && read(fd, buf, sizeof(buf)) <= 0) {
      std::cout << "closed after " << elapsed << " ms\n";
      break;
    }
  }
  close(fd);
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

packet from_sender(const options& o) {
  packet p;
  p.sender = o.sender;
  return p;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  options o;
  std::size_t i = 0;
  for (; i + 1 < args.size() && args[i].rfind("--", 0) == 0; i += 2) {
    const auto& flag = args[i];
    const auto& value = args[i + 1];
    if (flag == "--key") {
      std::string why;
      o.key = parse_key(value, why);
      if (!o.key)
        die(why);
    } else if (flag == "--label") {
      o.label = value;
    } else if (flag == "--sender") {
      auto at = value.find('@');
      auto colon = value.rfind(':');
      if (at == std::string::npos || colon == std::string::npos || colon < at)
        die("--sender takes NAME@HOST:PORT");
      o.sender.name = value.substr(0, at);
      o.sender.address = value.substr(at + 1, colon - at - 1);
      o.sender.cluster_port = static_cast<uint16_t>(std::stoi(value.substr(colon + 1)));
    } else if (flag == "--repeat") {
      o.repeat = std::stoi(value);
    } else if (flag == "--flip") {
      o.flip = std::stol(value);
    } else {
      die("unknown flag " + flag);
    }
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(i), args.end());
  if (rest.size() < 3)
    die("usage: see the comment at the top of tests/attack/attack_tool.cpp");
  const auto& cmd = rest[0];
  const auto& host = rest[1];
  const auto& port = rest[2];
  if (cmd == "value" && rest.size() == 6) {
    auto p = from_sender(o);
    p.values.push_back(
        versioned_value{std::stoll(rest[3]), version{std::stoull(rest[4]), rest[5]}});
    send_packets(o, host, port, {p});
  } else if (cmd == "left" && rest.size() == 7) {
    auto p = from_sender(o);
    member_info victim{rest[3],
                       rest[4],
                       static_cast<uint16_t>(std::stoi(rest[5])),
                       18080,
                       member_state::left,
                       std::stoull(rest[6])};
    p.members.push_back(member_update{victim, o.sender.name});
    send_packets(o, host, port, {p});
  } else if (cmd == "flood" && rest.size() == 4) {
    std::vector<packet> packets;
    auto count = std::stoul(rest[3]);
    for (unsigned long n = 0; n < count; n += 20) {
      auto p = from_sender(o);
      for (unsigned long k = n; k < std::min(count, n + 20); ++k)
        p.members.push_back(
            member_update{member_info{"fake" + std::to_string(k), "10.255.0.1", 7946,
                                      8080, member_state::alive, 1},
                          o.sender.name});
      packets.push_back(std::move(p));
    }
    send_packets(o, host, port, packets);
  } else if (cmd == "pingreq" && rest.size() == 4) {
    auto p = from_sender(o);
    p.swim.kind = swim_kind::ping_req;
    p.swim.seq = 4242;
    p.swim.target = rest[3];
    send_packets(o, host, port, {p});
  } else if (cmd == "ping" && rest.size() == 3) {
    auto p = from_sender(o);
    p.swim.kind = swim_kind::ping;
    p.swim.seq = 4343;
    send_packets(o, host, port, {p});
  } else if (cmd == "frame" && rest.size() == 4) {
    auto header = frame_header(static_cast<uint32_t>(std::stoull(rest[3])));
    send_tcp(host, port, std::string{header.begin(), header.end()});
  } else if (cmd == "raw" && rest.size() == 4) {
    send_tcp(host, port, from_hex(rest[3]));
  } else {
    die("unknown command or wrong arguments: " + cmd);
  }
  return 0;
}
