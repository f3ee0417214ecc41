#include "http/server/client_limiter.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

using namespace onevalue;

TEST_CASE("each client gets its own quota, freed connection by connection") {
  client_limiter limiter{2};
  CHECK(limiter.acquire("a"));
  CHECK(limiter.acquire("a"));
  CHECK_FALSE(limiter.acquire("a"));
  CHECK(limiter.count("a") == 2);
  CHECK(limiter.acquire("b"));
  limiter.release("a");
  CHECK(limiter.acquire("a"));
  limiter.release("a");
  limiter.release("a");
  CHECK(limiter.count("a") == 0);
  limiter.release("never-seen"); // harmless
  CHECK(limiter.count("never-seen") == 0);
}

TEST_CASE("a limit of 0 counts but never refuses") {
  client_limiter limiter{0};
  for (int i = 0; i < 1000; ++i)
    CHECK(limiter.acquire("a"));
  CHECK(limiter.count("a") == 1000);
}

TEST_CASE("client keys: IPv4, IPv6 and IPv4-mapped IPv6 ignore the port") {
  sockaddr_storage v4{};
  auto& a = reinterpret_cast<sockaddr_in&>(v4);
  a.sin_family = AF_INET;
  a.sin_port = htons(1234);
  ::inet_pton(AF_INET, "127.15.0.2", &a.sin_addr);
  sockaddr_storage mapped{};
  auto& m = reinterpret_cast<sockaddr_in6&>(mapped);
  m.sin6_family = AF_INET6;
  m.sin6_port = htons(999);
  ::inet_pton(AF_INET6, "::ffff:127.15.0.2", &m.sin6_addr);
  CHECK(client_key(v4) == client_key(mapped));
  CHECK(client_key(v4).size() == 4);
  CHECK(describe_client(client_key(v4)) == "127.15.0.2");
  sockaddr_storage v6{};
  auto& six = reinterpret_cast<sockaddr_in6&>(v6);
  six.sin6_family = AF_INET6;
  ::inet_pton(AF_INET6, "2001:db8::1", &six.sin6_addr);
  CHECK(client_key(v6).size() == 16);
  CHECK(describe_client(client_key(v6)) == "2001:db8::1");
  sockaddr_storage unix_peer{};
  unix_peer.ss_family = AF_UNIX;
  CHECK(client_key(unix_peer).empty());
  CHECK(describe_client("") == "unknown address");
}
