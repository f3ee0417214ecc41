#include "actors/core/keyring_command.hpp"

#include "actors/core/stream_frame.hpp"

#include <algorithm>

namespace onevalue {

namespace {

/// Reads bytes front to back; every read checks what remains.
class reader {
public:
  explicit reader(std::string_view in) : in_(in) {}
  std::optional<uint8_t> byte() {
    if (in_.empty())
      return std::nullopt;
    auto b = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    return b;
  }
  std::optional<std::string_view> bytes(std::size_t n) {
    if (in_.size() < n)
      return std::nullopt;
    auto out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  bool done() const { return in_.empty(); }

private:
  std::string_view in_;
};

void put_string(std::vector<char>& out, std::string_view s) {
  auto n = std::min<std::size_t>(s.size(), 255);
  out.push_back(static_cast<char>(n));
  out.insert(out.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
}

} // namespace

const char* to_string(keyring_op op) {
  switch (op) {
  case keyring_op::list:
    return "list";
  case keyring_op::install:
    return "install";
  case keyring_op::use:
    return "use";
  case keyring_op::remove:
    return "remove";
  }
  return "unknown";
}

const char* to_string(keyring_outcome o) {
  switch (o) {
  case keyring_outcome::changed:
    return "changed";
  case keyring_outcome::unchanged:
    return "unchanged";
  case keyring_outcome::not_installed:
    return "not_installed";
  case keyring_outcome::primary_refused:
    return "primary_refused";
  case keyring_outcome::keyring_full:
    return "keyring_full";
  case keyring_outcome::failed:
    return "failed";
  }
  return "unknown";
}

keyring_outcome outcome_of(keyring_change c) {
  switch (c) {
  case keyring_change::changed:
    return keyring_outcome::changed;
  case keyring_change::unchanged:
    return keyring_outcome::unchanged;
  case keyring_change::not_installed:
    return keyring_outcome::not_installed;
  case keyring_change::primary_refused:
    return keyring_outcome::primary_refused;
  case keyring_change::keyring_full:
    return keyring_outcome::keyring_full;
  }
  return keyring_outcome::failed;
}

bool succeeded(keyring_outcome o) {
  return o == keyring_outcome::changed || o == keyring_outcome::unchanged;
}

std::vector<char> encode(const keyring_command& c) {
  std::vector<char> out{channel_keyring, static_cast<char>(c.op)};
  put_string(out, c.key ? c.key->view() : std::string_view{});
  return out;
}

std::vector<char> encode(const keyring_answer& a) {
  std::vector<char> out{channel_keyring, static_cast<char>(a.outcome)};
  auto n = std::min(a.keys.size(), max_keyring_keys);
  out.push_back(static_cast<char>(n));
  for (std::size_t i = 0; i < n; ++i) {
    put_string(out, a.keys[i].fingerprint);
    out.push_back(a.keys[i].primary ? 1 : 0);
    out.push_back(static_cast<char>(a.keys[i].size));
  }
  put_string(out, a.detail);
  return out;
}

std::optional<keyring_command> decode_keyring_command(std::string_view payload) {
  reader in{payload};
  auto channel = in.byte();
  auto op = in.byte();
  auto key_size = in.byte();
  if (!channel || *channel != static_cast<uint8_t>(channel_keyring) || !op || !key_size)
    return std::nullopt;
  if (*op < static_cast<uint8_t>(keyring_op::list)
      || *op > static_cast<uint8_t>(keyring_op::remove))
    return std::nullopt;
  keyring_command out;
  out.op = static_cast<keyring_op>(*op);
  auto key = in.bytes(*key_size);
  if (!key || !in.done())
    return std::nullopt;
  if (out.op == keyring_op::list)
    return key->empty() ? std::optional<keyring_command>{out} : std::nullopt;
  out.key = secret_key::from_bytes(*key);
  if (!out.key)
    return std::nullopt;
  return out;
}

std::optional<keyring_answer> decode_keyring_answer(std::string_view payload) {
  reader in{payload};
  auto channel = in.byte();
  auto outcome = in.byte();
  auto count = in.byte();
  if (!channel || *channel != static_cast<uint8_t>(channel_keyring) || !outcome || !count
      || *outcome > static_cast<uint8_t>(keyring_outcome::failed)
      || *count > max_keyring_keys)
    return std::nullopt;
  keyring_answer out;
  out.outcome = static_cast<keyring_outcome>(*outcome);
  for (uint8_t i = 0; i < *count; ++i) {
    auto length = in.byte();
    auto fingerprint = length ? in.bytes(*length) : std::nullopt;
    auto primary = in.byte();
    auto size = in.byte();
    if (!fingerprint || !primary || *primary > 1 || !size
        || (*size != 16 && *size != 24 && *size != 32))
      return std::nullopt;
    out.keys.push_back(key_info{std::string{*fingerprint}, *primary == 1, *size});
  }
  auto detail_size = in.byte();
  auto detail = detail_size ? in.bytes(*detail_size) : std::nullopt;
  if (!detail || !in.done())
    return std::nullopt;
  out.detail = std::string{*detail};
  return out;
}

} // namespace onevalue
