#include "actors/core/consensus_frame.hpp"

#include "actors/core/little_endian.hpp"
#include "actors/core/member.hpp"

namespace onevalue {

std::vector<char> encode_consensus_frame(uint64_t mode_digest, const std::string& sender,
                                         std::string_view message) {
  if (!valid_node_name(sender) || message.empty()
      || message.size() > max_consensus_message_size)
    return {};
  std::vector<char> out;
  out.reserve(1 + 8 + 1 + sender.size() + message.size());
  out.push_back(consensus_channel);
  append_le(out, mode_digest);
  out.push_back(static_cast<char>(sender.size()));
  out.insert(out.end(), sender.begin(), sender.end());
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

std::optional<consensus_frame> decode_consensus_frame(std::string_view bytes,
                                                      std::string& error) {
  constexpr std::size_t header = 1 + 8 + 1;
  if (bytes.empty() || bytes.front() != consensus_channel) {
    error = "not on the consensus channel";
    return std::nullopt;
  }
  if (bytes.size() < header) {
    error = "truncated frame header";
    return std::nullopt;
  }
  consensus_frame frame;
  frame.mode_digest = get_le<uint64_t>(bytes.data() + 1);
  auto name_size = static_cast<unsigned char>(bytes[9]);
  if (bytes.size() < header + name_size) {
    error = "truncated sender name";
    return std::nullopt;
  }
  frame.sender.assign(bytes.substr(header, name_size));
  if (!valid_node_name(frame.sender)) {
    error = "invalid sender name";
    return std::nullopt;
  }
  frame.message = bytes.substr(header + name_size);
  if (frame.message.empty()) {
    error = "no message after the header";
    return std::nullopt;
  }
  if (frame.message.size() > max_consensus_message_size) {
    error = "message of " + std::to_string(frame.message.size()) + " bytes exceeds "
            + std::to_string(max_consensus_message_size);
    return std::nullopt;
  }
  return frame;
}

} // namespace onevalue
