#include "actors/core/envelope.hpp"

namespace onevalue {

namespace {

constexpr auto plaintext_byte = static_cast<char>(envelope_format::plaintext);
constexpr auto sealed_byte = static_cast<char>(envelope_format::sealed_v1);

} // namespace

const char* to_string(drop_reason r) {
  switch (r) {
  case drop_reason::too_large:
    return "too_large";
  case drop_reason::too_short:
    return "too_short";
  case drop_reason::bad_format:
    return "bad_format";
  case drop_reason::not_authentic:
    return "not_authentic";
  case drop_reason::plaintext_refused:
    return "plaintext_refused";
  case drop_reason::no_keyring:
    return "no_keyring";
  case drop_reason::replayed:
    return "replayed";
  }
  return "unknown";
}

std::optional<std::string> check_envelope_settings(const envelope_settings& settings) {
  if (settings.label.size() > max_label_bytes)
    return "the cluster label is " + std::to_string(settings.label.size())
           + " bytes long; at most " + std::to_string(max_label_bytes) + " are allowed";
  if (settings.max_message_bytes < sealed_overhead)
    return "the maximum message size " + std::to_string(settings.max_message_bytes)
           + " is below the " + std::to_string(sealed_overhead)
           + " bytes a sealed envelope needs";
  return std::nullopt;
}

std::optional<std::string_view> sealed_nonce(std::string_view message) {
  if (message.size() < sealed_overhead || message.front() != sealed_byte)
    return std::nullopt;
  return message.substr(1, gcm_nonce_bytes);
}

std::optional<envelope> envelope::create(std::shared_ptr<const keyring> keys,
                                         envelope_settings settings, std::string& error) {
  if (auto problem = check_envelope_settings(settings)) {
    error = *problem;
    return std::nullopt;
  }
  return envelope{std::move(keys), std::move(settings)};
}

envelope::envelope(std::shared_ptr<const keyring> keys, envelope_settings settings)
    : keys_(std::move(keys)), settings_(std::move(settings)) {
  aad_prefix_.push_back(sealed_byte);
  aad_prefix_.push_back(static_cast<char>(settings_.label.size()));
  aad_prefix_ += settings_.label;
  if (settings_.replay_window > 0)
    replays_.emplace(settings_.replay_window);
}

void envelope::set_keyring(std::shared_ptr<const keyring> keys) {
  keys_ = std::move(keys);
}

std::string envelope::additional_data(std::string_view context) const {
  std::string aad = aad_prefix_;
  aad.append(context.data(), context.size());
  return aad;
}

std::optional<std::vector<char>> envelope::seal(std::string_view payload,
                                                std::string_view context) {
  const bool sealing = seals_outgoing();
  const auto overhead = sealing ? sealed_overhead : plaintext_overhead;
  if (payload.size() > settings_.max_message_bytes - overhead) {
    ++counters_.refused_out;
    return std::nullopt;
  }
  std::vector<char> message;
  message.reserve(overhead + payload.size());
  if (!sealing) {
    message.push_back(plaintext_byte);
    message.insert(message.end(), payload.begin(), payload.end());
    ++counters_.plaintext_out;
    return message;
  }
  message.push_back(sealed_byte);
  bool ok = context.empty() ? keys_->seal(payload, aad_prefix_, message)
                            : keys_->seal(payload, additional_data(context), message);
  if (!ok) {
    ++counters_.refused_out;
    return std::nullopt;
  }
  ++counters_.sealed_out;
  return message;
}

open_result envelope::drop(drop_reason r) {
  ++counters_.dropped[static_cast<std::size_t>(r)];
  open_result result;
  result.dropped = r;
  return result;
}

open_result envelope::open(std::string_view message, std::string_view context) {
  if (message.size() > settings_.max_message_bytes)
    return drop(drop_reason::too_large);
  if (message.empty())
    return drop(drop_reason::too_short);
  switch (message.front()) {
  case plaintext_byte: {
    if (refuses_plaintext())
      return drop(drop_reason::plaintext_refused);
    open_result result;
    result.payload.assign(message.begin() + 1, message.end());
    ++counters_.plaintext_in;
    return result;
  }
  case sealed_byte:
    return open_sealed(message, context);
  default:
    return drop(drop_reason::bad_format);
  }
}

open_result envelope::open_sealed(std::string_view message, std::string_view context) {
  if (!keys_)
    return drop(drop_reason::no_keyring);
  if (message.size() < sealed_overhead)
    return drop(drop_reason::too_short);
  auto sealed = message.substr(1);
  open_result result;
  bool ok = context.empty()
                ? keys_->open(sealed, aad_prefix_, result.payload)
                : keys_->open(sealed, additional_data(context), result.payload);
  if (!ok)
    return drop(drop_reason::not_authentic);
  // Only authentic nonces enter the filter, so forgeries cannot flush it.
  if (replays_
      && !replays_->first_sighting(reinterpret_cast<const unsigned char*>(sealed.data())))
    return drop(drop_reason::replayed);
  result.authenticated = true;
  ++counters_.opened_in;
  return result;
}

} // namespace onevalue
