// The option table's rows for the profile, the cluster keyring and the SWIM protocol
// (see option_table.cpp for how a row is declared).

#include "app/config/option_rows.hpp"

#include "actors/core/envelope.hpp"
#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring_file.hpp"
#include "app/config/config_checks.hpp"

#include <chrono>
#include <string>

namespace onevalue {

namespace {

using config::option;
using namespace std::chrono_literals;

/// A `gossip-keys` entry; the message names the problem, never the key.
std::string gossip_key(const std::string& text) {
  std::string why;
  if (parse_key(text, why))
    return {};
  return why.empty() ? std::string{"not a base64 AES key of 16, 24 or 32 bytes"} : why;
}

std::string cluster_label(const std::string& label) {
  if (label.size() > max_label_bytes)
    return "expected at most " + std::to_string(max_label_bytes) + " bytes, got "
           + std::to_string(label.size());
  return {};
}

/// A protocol option: its default comes from the profile (actors/core/swim_settings.cpp).
template <class T>
node_option_row swim(std::string key, T swim_settings::*field, std::string unit) {
  auto row = option(std::move(key), &node_options::swim, field, std::move(unit));
  row.default_of = [field](const node_options& o) {
    return config::to_option_value(profile_settings(o.profile).*field);
  };
  for (const auto& name : profile_names())
    row.profile_defaults.emplace_back(
        name, config::format_value(
                  row.kind, config::to_option_value(profile_settings(name).*field)));
  return row;
}

} // namespace

std::vector<node_option_row> protocol_option_rows() {
  using strings = std::vector<std::string>;
  return {
      option("profile", &node_options::profile, "preset", profile_names().front())
          .one_of(profile_names())
          .doc("Preset for the protocol options: lan follows memberlist's LAN timings, "
               "local is about 5x faster, for one host or one fast switch.",
               "local detects failures in about a second and sends five times the "
               "datagrams. An option given explicitly overrides its preset."),
      option("gossip-keys", &node_options::gossip_keys, "list", strings{})
          .each("base64 AES keys of 16, 24 or 32 bytes (app/make_keyring.sh makes one)",
                gossip_key)
          .from_env("ONEVALUE_GOSSIP_KEYS")
          .doc("Cluster keys sealing all node-to-node traffic (AES-GCM), primary first: "
               "the primary seals, every key opens. Only seeds the keyring file on the "
               "first start; afterwards the file (rotated with /v1/keyring) rules.",
               "Without keys anyone who reaches the cluster port is a member (the node "
               "warns); with keys each datagram costs about 3-5 us of CPU more."),
      option("gossip-keys-file", &node_options::gossip_keys_file, "path")
          .derived("<data-dir>/keyring, none without data-dir",
                   [](const node_options& o) {
                     return config::to_option_value(o.data_dir.empty()
                                                        ? std::string{}
                                                        : keyring_file_path(o.data_dir));
                   })
          .doc("The keyring as last rotated, rewritten atomically (mode 0600) on every "
               "change and read at start; once it exists it wins over gossip-keys.",
               "Without it rotations are lost at restart; it holds the secret keys, so "
               "keep it readable by the node's user only."),
      option("label", &node_options::label, "text", "")
          .checked_by(cluster_label)
          .doc("Cluster label, at most 255 bytes, authenticated with every sealed "
               "message: clusters with different labels never accept each other's "
               "traffic, even with the same key. Not a secret.",
               "Changing it on a running cluster splits it until every node has the new "
               "label."),
      option("gossip-verify-incoming", &node_options::gossip_verify_incoming, "flag",
             true)
          .doc(
              "With keys: refuse plaintext node-to-node traffic. false accepts plaintext "
              "and sealed alike, only while a running cluster is switched to encryption "
              "(ignored without keys).",
              "false leaves the cluster as open as without keys."),
      option("gossip-verify-outgoing", &node_options::gossip_verify_outgoing, "flag",
             true)
          .doc("With keys: seal what the node sends. false sends plaintext, only while a "
               "running cluster is switched to encryption (ignored without keys).",
               "false exposes values and member data to anyone on the network."),
      swim("max-members", &swim_settings::max_members, "members")
          .range(16, 1000000)
          .doc("Most members a node's table holds (itself, failed and left ones "
               "included); a new name beyond it is refused and counted, a push-pull "
               "table longer than it is refused whole (also the cap of a push-pull "
               "frame).",
               "Higher admits larger clusters; lower bounds the memory a flood of "
               "made-up members can take (about 100 bytes per member per node)."),
      swim("probe-interval", &swim_settings::probe_interval, "duration")
          .doc("Time between two probes, one member per interval (shuffled "
               "round-robin).",
               "Shorter detects failures sooner; each probe costs a ping and an ack."),
      swim("ack-timeout", &swim_settings::ack_timeout, "duration")
          .doc("Wait for a direct ack before asking helpers to probe indirectly; must "
               "stay below probe-interval.",
               "Too low on a slow link causes needless indirect probes."),
      swim("indirect-checks", &swim_settings::indirect_checks, "members")
          .range(0, 16)
          .doc("Helpers (alive members only) asked to probe a silent member for us.",
               "More means fewer false suspicions under loss, more datagrams per miss."),
      swim("suspicion-mult", &swim_settings::suspicion_mult, "factor")
          .range(1, 100)
          .doc("Suspicion timeout = suspicion-mult x max(1, log10 N) x probe-interval "
               "(4s at lan up to 10 nodes): the time a suspect has to refute.",
               "Higher means fewer false failures on a slow network, slower detection."),
      swim("suspicion-max-mult", &swim_settings::suspicion_max_mult, "factor")
          .range(1, 100)
          .doc("A suspicion starts at this multiple of the timeout and shrinks toward "
               "it as independent confirmations arrive (Lifeguard).",
               "Higher is more patient with a lone accuser."),
      swim("awareness-max-multiplier", &swim_settings::awareness_max_multiplier, "factor")
          .range(1, 100)
          .doc("Lifeguard local health: missed acks, missing nacks and refuted "
               "suspicions raise a score (up to this - 1) that multiplies this node's "
               "probe-interval and ack-timeout; each good probe lowers it. 1 disables "
               "it.",
               "Higher tolerates more local trouble and may slow this node's own "
               "detection by up to that factor."),
      swim("gossip-interval", &swim_settings::gossip_interval, "duration")
          .doc("Time between periodic gossip rounds, the safety net behind immediate "
               "pushes.",
               "Shorter converges faster after loss and sends more datagrams."),
      swim("gossip-nodes", &swim_settings::gossip_nodes, "members")
          .range(1, 64)
          .doc("Members each gossip round and each immediate push goes to.",
               "More spreads faster and costs more datagrams."),
      swim("retransmit-mult", &swim_settings::retransmit_mult, "factor")
          .range(1, 100)
          .doc("Each broadcast is sent at most retransmit-mult x ceil(log10(N+1)) "
               "times (8 at 10 nodes with 4).",
               "Higher survives more loss and keeps the queue busier."),
      swim("push-pull-interval", &swim_settings::push_pull_interval, "duration")
          .doc("Time between full-state exchanges (TCP) with one random member: after "
               "a start at 2, 6, 14 ... probe intervals, and above 32 members "
               "stretched by ceil(log2(N/32)) + 1.",
               "Shorter repairs lost gossip and partitions sooner; each exchange costs "
               "a TCP round trip with the member table."),
      swim("join-retry-interval", &swim_settings::join_retry_interval, "duration")
          .doc("Time between join attempts while no seed has answered.",
               "Shorter joins sooner after the seeds come up, at a datagram per seed "
               "per attempt."),
      swim("reap-after", &swim_settings::reap_after, "duration")
          .doc("How long failed and left members stay listed (their state keeps "
               "spreading, a partition can merge) before they are forgotten.",
               "Longer remembers more, and the member table keeps their entries."),
      swim("failed-probe-interval", &swim_settings::failed_probe_interval, "duration")
          .doc("How often a failed member's address is still probed until it is "
               "reaped, so a healed partition merges again; also how often a joined "
               "node pings the seeds missing from its member table, so a partition "
               "held past reap-after merges too.",
               "Shorter merges sooner, at a datagram per failed member per interval."),
      swim("leave-propagation", &swim_settings::leave_propagation, "duration")
          .at_most(1500ms)
          .doc("How long a graceful leave (SIGTERM/SIGINT), sent at once to every live "
               "member, keeps gossiping before the process exits.",
               "Longer survives more loss and delays shutdown, which must stay within "
               "2s."),
      swim("max-packet-bytes", &swim_settings::max_packet_bytes, "bytes")
          .range(512, 65507)
          .doc("Largest datagram; piggybacked gossip fills what the probe leaves.",
               "Above the path MTU (about 1400 on Ethernet) datagrams fragment and are "
               "lost more often."),
  };
}

} // namespace onevalue
