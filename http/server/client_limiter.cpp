#include "http/server/client_limiter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace onevalue {

bool client_limiter::acquire(const std::string& client) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& n = open_[client];
  if (per_client_ != 0 && n >= per_client_) {
    if (n == 0)
      open_.erase(client);
    return false;
  }
  ++n;
  return true;
}

void client_limiter::release(const std::string& client) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = open_.find(client);
  if (it == open_.end())
    return;
  if (--it->second == 0)
    open_.erase(it);
}

std::size_t client_limiter::count(const std::string& client) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = open_.find(client);
  return it == open_.end() ? 0 : it->second;
}

std::string client_key(const sockaddr_storage& peer) {
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    return {reinterpret_cast<const char*>(&v4.sin_addr), 4};
  }
  if (peer.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(peer);
    const auto* bytes = reinterpret_cast<const char*>(&v6.sin6_addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr))
      return {bytes + 12, 4};
    return {bytes, 16};
  }
  return "";
}

std::string describe_client(const std::string& key) {
  char text[INET6_ADDRSTRLEN] = {};
  if (key.size() == 4)
    ::inet_ntop(AF_INET, key.data(), text, sizeof(text));
  else if (key.size() == 16)
    ::inet_ntop(AF_INET6, key.data(), text, sizeof(text));
  else
    return "unknown address";
  return text;
}

} // namespace onevalue
