#include "actors/core/datagram_codec.hpp"

namespace onevalue {

std::optional<std::vector<char>> seal_datagram(envelope& env, std::string_view payload) {
  return env.seal(payload);
}

std::optional<std::vector<char>> seal_packet(envelope& env, const packet& p) {
  auto bytes = encode(p);
  if (bytes.empty())
    return std::nullopt;
  return env.seal({bytes.data(), bytes.size()});
}

incoming_datagram open_datagram(envelope& env, std::string_view bytes,
                                const wire_limits& limits, wire_error_counts& errors) {
  incoming_datagram out;
  auto opened = env.open(bytes);
  if (!opened)
    return out;
  out.authenticated = opened.authenticated;
  if (!opened.payload.empty() && opened.payload.front() == channel_consensus) {
    out.what = incoming_datagram::kind::consensus;
    out.payload = std::move(opened.payload);
    return out;
  }
  auto decoded = decode_packet(opened.payload, limits);
  if (!decoded) {
    errors.count(decoded.error);
    out.what = incoming_datagram::kind::malformed;
    out.error = decoded.error;
    out.offset = decoded.offset;
    return out;
  }
  out.what = incoming_datagram::kind::gossip;
  out.p = std::move(decoded.value);
  return out;
}

} // namespace onevalue
