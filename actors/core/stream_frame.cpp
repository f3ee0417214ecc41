#include "actors/core/stream_frame.hpp"

#include "actors/core/envelope.hpp"

#include <openssl/rand.h>

#include <algorithm>

namespace onevalue {

std::size_t frame_cap(std::size_t max_members) {
  return max_cluster_state_fixed_bytes + max_members * max_member_wire_bytes
         + sealed_overhead;
}

std::array<char, frame_header_bytes> frame_header(uint32_t size) {
  return {static_cast<char>((size >> 24) & 0xff), static_cast<char>((size >> 16) & 0xff),
          static_cast<char>((size >> 8) & 0xff), static_cast<char>(size & 0xff)};
}

std::vector<char> make_frame(std::string_view body) {
  auto header = frame_header(static_cast<uint32_t>(body.size()));
  std::vector<char> out(header.size() + body.size());
  std::copy(header.begin(), header.end(), out.begin());
  std::copy(body.begin(), body.end(), out.begin() + frame_header_bytes);
  return out;
}

const char* to_string(frame_error e) {
  switch (e) {
  case frame_error::none:
    return "none";
  case frame_error::empty:
    return "empty";
  case frame_error::too_large:
    return "too_large";
  }
  return "unknown";
}

frame_length parse_frame_header(const char* header, std::size_t cap) {
  auto byte = [&](std::size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(header[i]));
  };
  frame_length out;
  out.size = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
  if (out.size == 0)
    out.error = frame_error::empty;
  else if (out.size > cap)
    out.error = frame_error::too_large;
  return out;
}

std::optional<std::string> make_challenge() {
  std::string out(challenge_bytes, '\0');
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): OpenSSL's API
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(out.size()))
      != 1)
    return std::nullopt;
  return out;
}

std::vector<char> encode_hello(std::string_view challenge) {
  std::vector<char> out(hello_magic.size() + challenge.size());
  std::copy(hello_magic.begin(), hello_magic.end(), out.begin());
  std::copy(challenge.begin(), challenge.end(),
            out.begin() + static_cast<std::ptrdiff_t>(hello_magic.size()));
  return out;
}

std::optional<std::string> decode_hello(std::string_view body) {
  if (body.size() != hello_bytes || body.substr(0, hello_magic.size()) != hello_magic)
    return std::nullopt;
  return std::string{body.substr(hello_magic.size())};
}

std::string request_context(std::string_view challenge) {
  return std::string{challenge};
}

std::string response_context(std::string_view challenge, std::string_view request) {
  std::string out{challenge};
  if (auto nonce = sealed_nonce(request))
    out.append(nonce->data(), nonce->size());
  return out;
}

} // namespace onevalue
