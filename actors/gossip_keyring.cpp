// Keyring changes in the gossip actor: from the HTTP API (applied here, then spread to
// every live member) and from members (applied here, answered).

#include "actors/gossip_internal.hpp"

#include "actors/core/key_encoding.hpp"
#include "actors/keyring_spreader.hpp"
#include "actors/log.hpp"
#include "actors/stream_transport.hpp"

namespace onevalue::gossip_detail {

void publish_keyring(self_ptr self) {
  auto& st = self->state;
  auto keys = st.keys->current();
  st.datagrams->set_keyring(keys);
  caf::anon_send(st.stream, keyring_atom::value, keyring_snapshot{keys});
}

std::vector<char> apply_member_keyring_command(self_ptr self,
                                               const keyring_command& command) {
  auto answer = self->state.keys->apply(command);
  OV_LOG_INFO("keyring {} from a member: {}", to_string(command.op),
              to_string(answer.outcome));
  if (answer.outcome == keyring_outcome::changed)
    publish_keyring(self);
  return encode(answer);
}

caf::result<keyring_report> on_keyring_request(self_ptr self,
                                               const keyring_command& command) {
  auto& st = self->state;
  keyring_report report;
  report.op = command.op;
  if (command.key)
    report.fingerprint = key_fingerprint(*command.key);
  if (!st.keys->current()) {
    report.refusal = "node-to-node encryption is off on this node (no keyring); start "
                     "the nodes with gossip-keys to use /v1/keyring";
    return report;
  }
  if (command.op != keyring_op::list && !st.datagrams->seals_outgoing()) {
    report.refusal = "gossip-verify-outgoing is false: a key would travel to the "
                     "members unsealed; finish switching encryption on first";
    return report;
  }
  auto own = st.keys->apply(command);
  if (own.outcome == keyring_outcome::changed)
    publish_keyring(self);
  bool ok = succeeded(own.outcome);
  if (!ok)
    report.refusal = own.detail;
  const auto& self_name = st.core->self().name;
  report.nodes.push_back(node_keyring_answer{self_name, std::move(own), {}});
  if (!ok)
    return report;
  std::vector<member_info> targets;
  for (auto& m : st.core->members())
    if (m.name != self_name
        && (m.state == member_state::alive || m.state == member_state::suspect))
      targets.push_back(m);
  auto each = std::chrono::duration_cast<std::chrono::milliseconds>(
      push_pull_timeout + std::chrono::seconds{1});
  auto spreader = self->spawn(keyring_spreader, st.stream, each);
  auto rp = self->make_response_promise<keyring_report>();
  self->request(spreader, each + std::chrono::seconds{1}, keyring_atom::value,
                std::move(report), std::move(targets), encode(command))
      .then([rp](keyring_report& r) mutable { rp.deliver(std::move(r)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace onevalue::gossip_detail
