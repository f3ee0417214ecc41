#pragma once

#include "actors/core/envelope.hpp"
#include "actors/core/stream_frame.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/behavior.hpp>
#include <caf/io/broker.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace onevalue {

/// A keyring snapshot handed from its owner (the gossip actor) to the stream broker
/// after each rotation; null: no keys. Immutable, so sharing it is safe.
struct keyring_snapshot {
  std::shared_ptr<const keyring> keys;
};

/// What the stream broker did, for metrics and tests.
struct stream_counters {
  uint64_t accepted = 0;        ///< connections accepted
  uint64_t dialed = 0;          ///< exchanges started by this node
  uint64_t served = 0;          ///< requests answered
  uint64_t completed = 0;       ///< own exchanges that got a valid response
  uint64_t connect_failed = 0;  ///< own exchanges that could not connect
  uint64_t frames_refused = 0;  ///< length headers of 0 or above the cap
  uint64_t bad_hello = 0;       ///< a peer's hello was no hello
  uint64_t not_opened = 0;      ///< frames the envelope dropped (see envelope counters)
  uint64_t deadline_passed = 0; ///< connections closed at their deadline
  uint64_t handler_refused = 0; ///< requests the handler refused (closed, no answer)
  uint64_t closed_early = 0;    ///< connections the peer closed mid-exchange
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_counters& x) {
  return f(x.accepted, x.dialed, x.served, x.completed, x.connect_failed,
           x.frames_refused, x.bad_hello, x.not_opened, x.deadline_passed,
           x.handler_refused, x.closed_early);
}

/// Configuration of the stream broker.
struct stream_config {
  /// Answers requests that arrive: `(exchange_atom, std::vector<char> payload, bool
  /// authenticated) -> std::vector<char>`; an error closes the connection unanswered.
  caf::actor handler;
  /// Seals and opens frames (created by the owner from the node's settings; its
  /// `max_message_bytes` should be `frame_cap(max_members)`).
  std::shared_ptr<envelope> frames;
  /// Refuse frame lengths above this (`frame_cap(max-members)`).
  std::size_t max_frame_bytes = frame_cap(10000);
  /// A connection is closed this long after it was opened or accepted, exchange done
  /// or not: a peer that sends too slowly (or not at all) holds nothing longer.
  std::chrono::milliseconds deadline{5000};
};

/// The node-to-node stream transport: a middleman broker on the cluster TCP port that
/// speaks the framing of actors/core/stream_frame.hpp (one sealed request and response
/// per connection, then closed) instead of publishing an actor over BASP.
///
/// Spawned with `middleman().spawn_broker(stream_transport, config)`; runs on the
/// middleman's I/O thread, so handlers only move bytes and seal or open them. Messages:
/// - `(open_atom, std::string bind, uint16_t port) -> uint16_t`: listens (reusing the
///   address); an error if the port is taken.
/// - `(exchange_atom, std::string host, uint16_t port, std::vector<char> payload) ->
///   std::vector<char>`: one exchange with a peer; the reply is the peer's response
///   payload, or an error (connect failure, deadline, refused or unauthentic frame).
///   The connect runs in a detached `tcp_connector`, never on the I/O thread.
/// - `(keyring_atom, keyring_snapshot)`: seal and open with these keys from now on.
/// - `(get_atom, metrics_atom) -> stream_counters`.
caf::behavior stream_transport(caf::io::broker* self, stream_config config);

} // namespace onevalue

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(onevalue::keyring_snapshot)
