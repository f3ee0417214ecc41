#include "app/config/config_checks.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace onevalue::config {

bool is_ipv4_address(const std::string& text) {
  in_addr addr{};
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool is_host(const std::string& text) {
  if (is_ipv4_address(text))
    return true;
  if (text.empty() || text.size() > 253)
    return false;
  std::size_t label_size = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '.') {
      if (label_size == 0 || text[i - 1] == '-')
        return false;
      label_size = 0;
      continue;
    }
    if (!std::isalnum(c) && c != '-' && c != '_')
      return false;
    if (c == '-' && label_size == 0)
      return false;
    if (++label_size > 63)
      return false;
  }
  // A trailing dot (absolute name) is fine; a name of digits and dots only that
  // is not an IPv4 address (e.g. "10.0.0") is a typo, not a host.
  bool all_numeric = std::all_of(text.begin(), text.end(), [](char c) {
    return c == '.' || std::isdigit(static_cast<unsigned char>(c));
  });
  return !all_numeric && text.back() != '-';
}

std::optional<peer_address> parse_peer_address(const std::string& text,
                                               uint16_t default_port, std::string& why) {
  if (text.empty()) {
    why = "empty address";
    return std::nullopt;
  }
  if (text.front() == '[' || std::count(text.begin(), text.end(), ':') > 1) {
    why = "IPv6 addresses are not supported, use host or host:port";
    return std::nullopt;
  }
  peer_address result;
  result.port = default_port;
  auto colon = text.find(':');
  result.host = text.substr(0, colon);
  if (colon != std::string::npos) {
    auto port_text = text.substr(colon + 1);
    if (port_text.empty() || port_text.size() > 5
        || !std::all_of(port_text.begin(), port_text.end(), [](char c) {
             return std::isdigit(static_cast<unsigned char>(c));
           })) {
      why = "port \"" + port_text + "\" is not a number in 1..65535";
      return std::nullopt;
    }
    auto port = std::stoul(port_text);
    if (port < 1 || port > 65535) {
      why = "port " + port_text + " is out of range 1..65535";
      return std::nullopt;
    }
    result.port = static_cast<uint16_t>(port);
  }
  if (!is_host(result.host)) {
    why = "\"" + result.host + "\" is not a host name or IPv4 address";
    return std::nullopt;
  }
  return result;
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> result;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(separator, start);
    if (end == std::string::npos)
      end = text.size();
    auto piece = text.substr(start, end - start);
    auto first = piece.find_first_not_of(" \t");
    if (first != std::string::npos) {
      auto last = piece.find_last_not_of(" \t");
      result.push_back(piece.substr(first, last - first + 1));
    }
    start = end + 1;
  }
  return result;
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

std::string nearest_name(const std::string& name,
                         const std::vector<std::string>& candidates) {
  std::string best;
  auto best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    auto distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

} // namespace onevalue::config
