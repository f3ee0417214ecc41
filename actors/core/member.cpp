#include "actors/core/member.hpp"

#include <algorithm>

namespace onevalue {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Four decimal parts 0..255 separated by dots, without leading zeros (as inet_pton).
bool is_dotted_quad(std::string_view text) {
  std::size_t i = 0;
  for (int parts = 1;; ++parts) {
    auto start = i;
    unsigned value = 0;
    for (; i < text.size() && is_digit(text[i]) && i - start < 3; ++i)
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    auto digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
      return false;
    if (parts == 4)
      return i == text.size();
    if (i == text.size() || text[i] != '.')
      return false;
    ++i;
  }
}

} // namespace

bool valid_node_name(std::string_view name) {
  return !name.empty() && name.size() <= max_node_name_size
         && std::all_of(name.begin(), name.end(), [](char c) {
              return is_alnum(c) || c == '.' || c == '_' || c == '-';
            });
}

bool valid_host(std::string_view host) {
  if (is_dotted_quad(host))
    return true;
  if (host.empty() || host.size() > max_host_size)
    return false;
  std::size_t label_size = 0;
  for (std::size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    if (c == '.') {
      if (label_size == 0 || host[i - 1] == '-')
        return false;
      label_size = 0;
      continue;
    }
    if (!is_alnum(c) && c != '-' && c != '_')
      return false;
    if ((c == '-' && label_size == 0) || ++label_size > 63)
      return false;
  }
  // A name of digits and dots that is no IPv4 address ("10.0.0") is a typo, not a host.
  bool all_numeric = std::all_of(host.begin(), host.end(),
                                 [](char c) { return c == '.' || is_digit(c); });
  return !all_numeric && host.back() != '-';
}

member_defect check_member(const member_info& m) {
  if (!valid_node_name(m.name))
    return member_defect::name;
  if (!valid_host(m.address))
    return member_defect::address;
  if (m.cluster_port == 0 || m.http_port == 0)
    return member_defect::port;
  if (static_cast<uint8_t>(m.state) > static_cast<uint8_t>(member_state::left))
    return member_defect::state;
  return member_defect::none;
}

const char* to_string(member_state state) {
  switch (state) {
  case member_state::alive:
    return "alive";
  case member_state::suspect:
    return "suspect";
  case member_state::failed:
    return "failed";
  case member_state::left:
    return "left";
  }
  return "unknown";
}

} // namespace onevalue
