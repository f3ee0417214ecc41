#pragma once

#include <cstdint>
#include <string>

namespace onevalue {

/// A host and port to send to.
struct endpoint {
  std::string host;
  uint16_t port = 0;
};

inline bool operator==(const endpoint& a, const endpoint& b) {
  return a.host == b.host && a.port == b.port;
}
inline bool operator!=(const endpoint& a, const endpoint& b) {
  return !(a == b);
}

} // namespace onevalue
