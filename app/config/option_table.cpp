#include "app/config/option_table.hpp"

#include "app/config/config_checks.hpp"
#include "app/config/option_rows.hpp"
#include "http/api/access_control.hpp"

#include <algorithm>
#include <cctype>

namespace onevalue {

/// Seeds are read as a list of strings and stored parsed.
template <>
struct config::option_traits<std::vector<peer_address>> {
  static constexpr option_kind kind = option_kind::text_list;
  static std::vector<peer_address> from(const option_value& v) {
    std::vector<peer_address> seeds;
    std::string why;
    for (const auto& text : std::get<std::vector<std::string>>(v))
      if (auto seed = config::parse_peer_address(text, config::default_cluster_port, why);
          seed && std::find(seeds.begin(), seeds.end(), *seed) == seeds.end())
        seeds.push_back(*seed);
    return seeds;
  }
};

/// Event handlers are read as a list of strings and stored parsed (each was checked by
/// `handler_spec` before).
template <>
struct config::option_traits<std::vector<event_handler_spec>> {
  static constexpr option_kind kind = option_kind::text_list;
  static std::vector<event_handler_spec> from(const option_value& v) {
    std::vector<event_handler_spec> handlers;
    for (const auto& text : std::get<std::vector<std::string>>(v))
      if (auto parsed = parse_event_handler_spec(text); parsed.spec)
        handlers.push_back(*parsed.spec);
    return handlers;
  }
};

namespace {

using config::option;
using namespace std::chrono_literals;

std::string valid_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64
            && std::all_of(name.begin(), name.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '.'
                        || c == '_' || c == '-';
               });
  return ok ? ""
            : "expected 1 to 64 letters, digits, '.', '_' or '-', got \"" + name + "\"";
}

std::string ipv4(const std::string& address) {
  if (config::is_ipv4_address(address))
    return {};
  return "expected an IPv4 address such as \"0.0.0.0\" or \"127.0.0.2\", got \"" + address
         + "\"";
}

std::string reachable_host(const std::string& host) {
  if (host == "0.0.0.0")
    return "0.0.0.0 cannot be reached by peers; give this node's address";
  if (!config::is_host(host))
    return "expected an IPv4 address or a host name, got \"" + host + "\"";
  return {};
}

/// An optional file: "" means none; any other path must be a readable file.
std::string file_or_none(const std::string& path) {
  return path.empty() ? std::string{} : config::readable_file(path);
}

std::string handler_spec(const std::string& text) {
  auto parsed = parse_event_handler_spec(text);
  return parsed.spec ? "" : "\"" + text + "\": " + parsed.error;
}

std::string seed(const std::string& text) {
  std::string why;
  if (config::parse_peer_address(text, config::default_cluster_port, why))
    return {};
  return "\"" + text + "\" is not host or host:port: " + why;
}

std::vector<node_option_row> make_table() {
  const auto default_port = std::to_string(config::default_cluster_port);
  using strings = std::vector<std::string>;
  std::vector<node_option_row> rows{
      option("name", &node_options::name, "name")
          .checked_by(valid_name)
          .computed("the host name up to its first dot")
          .doc("Unique node name, shown in logs, versions and /v1/members: 1 to 64 "
               "letters, digits, '.', '_' or '-'.",
               "Two live nodes with the same name overwrite each other's entry."),
      option("bind", &node_options::bind, "IPv4 address", "0.0.0.0")
          .checked_by(ipv4)
          .doc("Address to listen on, for the cluster port (UDP and TCP) and HTTP.",
               "0.0.0.0 is every interface; a specific address such as 127.0.0.2 lets "
               "several nodes share one host with the same ports."),
      option("advertise", &node_options::advertise, "address")
          .checked_by(reachable_host)
          .from_env("ADVERTISE_ADDR")
          .computed("bind unless it is 0.0.0.0, else the address the host name "
                    "resolves to")
          .doc("Address peers use to reach this node: IPv4 or a resolvable name.",
               "Must be reachable from every peer, or they mark this node failed."),
      option("cluster-port", &node_options::cluster_port, "port",
             config::default_cluster_port)
          .range(1, 65535)
          .doc("Port of the membership protocol: UDP for probes and gossip, TCP for "
               "state exchange.",
               "0 (any port) is not allowed: peers and seeds must know it in advance."),
      option("http-port", &node_options::http_port, "port", 8080)
          .range(0, 65535)
          .zero_is("plain HTTP off")
          .doc("Port of the plain HTTP REST API; 0 turns plain HTTP off (https-port "
               "must then be set).",
               "Plain HTTP carries tokens and values readable by anyone on the path: "
               "turn it off where the network is not trusted. /v1/members shows "
               "https-port as the member's http_port when it is 0."),
      option("https-port", &node_options::https_port, "port", 0)
          .range(0, 65535)
          .zero_is("off")
          .doc("Port of the HTTPS REST API, on the bind address, served by the same "
               "event loops (TLS 1.2 and 1.3, ECDHE with AEAD ciphers, a 5 s "
               "handshake timeout); needs https-cert and https-key.",
               "TLS costs a handshake per connection and some CPU per request (see the "
               "performance table); keep-alive clients pay the handshake once."),
      option("https-cert", &node_options::https_cert, "path", "")
          .checked_by(file_or_none)
          .doc("PEM certificate chain of the HTTPS API, the node's own certificate "
               "first. Read once at start.",
               "A certificate that does not load or does not match https-key stops the "
               "node at start; rolling a certificate takes a restart."),
      option("https-key", &node_options::https_key, "path", "")
          .checked_by(file_or_none)
          .doc("PEM private key of https-cert (unencrypted). Read once at start.",
               "Keep it readable only by the node's user: it is the server's identity."),
      option("https-client-ca", &node_options::https_client_ca, "path", "")
          .checked_by(file_or_none)
          .doc("PEM CA certificate(s); when set, an HTTPS client must present a "
               "certificate signed by one of them or its handshake fails. \"\" asks "
               "for no client certificate.",
               "Client certificates authenticate machines before any request is read; "
               "every client then needs a certificate and its key."),
      option("acl-read-tokens", &node_options::acl_read_tokens, "list", strings{})
          .each("tokens of 16 to 4096 visible ASCII characters without commas",
                check_token)
          .from_env("ONEVALUE_ACL_READ_TOKENS")
          .doc("Tokens that may read (Authorization: Bearer or X-Onevalue-Token). With "
               "any token configured, every request but /health needs one (401 "
               "without, 403 for a read token on a write).",
               "Tokens travel in every request: use them with HTTPS. Kept only as "
               "SHA-256 digests, never logged; --dump-config prints them."),
      option("acl-write-tokens", &node_options::acl_write_tokens, "list", strings{})
          .each("tokens of 16 to 4096 visible ASCII characters without commas",
                check_token)
          .from_env("ONEVALUE_ACL_WRITE_TOKENS")
          .doc("Tokens that may read and write (/set/{n}, PUT, POST and forced "
               "leaves), but not change the keyring (see acl-admin-tokens).",
               "A write token can change the value and force members out: give "
               "readers a read token."),
      option("acl-admin-tokens", &node_options::acl_admin_tokens, "list", strings{})
          .each("tokens of 16 to 4096 visible ASCII characters without commas",
                check_token)
          .from_env("ONEVALUE_ACL_ADMIN_TOKENS")
          .doc("Tokens that may do what a write token may and also change the "
               "cluster's keyring (POST /v1/keyring: install, use, remove). With tokens "
               "configured and none of these, keys can be changed only in the files.",
               "Whoever installs a key holds the cluster key, and with it a member's "
               "voice on the cluster network: keep these for operators, apart from "
               "the applications' write tokens."),
      option("allow-get-writes", &node_options::allow_get_writes, "flag", true)
          .doc("Whether GET /set/{n} writes, as in the blog's API; false makes it 405 "
               "(POST and PUT still write).",
               "On, any web page a browser opens can write through an image link "
               "unless tokens are configured; off breaks clients that write with "
               "GET."),
      option("seeds", &node_options::seeds, "list", strings{})
          .each("\"host\" or \"host:port\" strings", seed)
          .from_env("CLUSTER_ADDR", true)
          .doc("Peers to join through, e.g. [\"10.0.0.2\", \"10.0.0.3:7000\"] (port "
                   + default_port + " if omitted); none starts a new cluster.",
               "One reachable seed is enough; listing several survives the loss of "
               "some. Joining retries in the background until one answers."),
      option("data-dir", &node_options::data_dir, "path", "")
          .checked_by(config::directory_or_absent)
          .doc("Directory of the durable state (value, version, clock) and its lock, "
               "created with its parents.",
               "\"\" keeps the value in memory only: a restarted node relearns it from "
               "its peers, and a whole-cluster restart loses it."),
      option("log-level", &node_options::log_level, "level", "info")
          .one_of({"trace", "debug", "info", "warning", "error", "off"})
          .doc("Log level: info logs membership changes, remote values and status "
               "lines.",
               "debug and trace add a line per message: for diagnosis, costly under "
               "load."),
      option("status-interval", &node_options::status_interval, "duration", 10s)
          .zero_is("off")
          .doc("Time between two status log lines (members, value, traffic).",
               "Shorter shows changes in the log sooner and writes more lines."),
      option("http-threads", &node_options::http_threads, "threads", 2)
          .range(1, 256)
          .doc("HTTP event-loop threads; each serves any number of connections (idle "
               "keep-alive connections and blocking reads hold no thread), and a new "
               "connection goes to the loop serving the fewest.",
               "About cores, not clients: more loops use more cores under load but "
               "compete with the actors on a small machine."),
      option("max-body-bytes", &node_options::max_body_bytes, "bytes", 4096)
          .range(16, 1048576)
          .doc("Largest accepted request body; a larger one gets 413.",
               "A value is one integer, so a large body is a mistake or abuse."),
      option("max-connections", &node_options::max_connections, "connections", 10000)
          .range(1, 1000000)
          .doc("Open HTTP connections at most, plain and HTTPS (lowered to the "
               "descriptor limit RLIMIT_NOFILE minus 64, which the node raises to its "
               "hard limit at start); at the limit a new connection closes the "
               "longest-idle one, else it gets 503 with Retry-After.",
               "Each idle connection costs a file descriptor and a few hundred bytes."),
      option("max-connections-per-client", &node_options::max_connections_per_client,
             "connections", 64)
          .range(0, 1000000)
          .zero_is("no limit")
          .doc("Open HTTP connections at most from one source address; past it a new "
               "connection gets 503 with Retry-After.",
               "Stops one client from taking every slot; clients behind one NAT or "
               "proxy share the limit, so raise it for them."),
      option("request-header-timeout", &node_options::request_header_timeout, "duration",
             5s)
          .doc("How long a connection may take to send a complete request line after "
               "it opens (TLS handshake included) or, kept alive, after the first byte "
               "of its next request; past it the connection is closed (408 if it sent "
               "part of one).",
               "Shorter frees the slots of clients that connect and send nothing "
               "sooner; too short fails clients on slow links."),
      option("keep-alive-timeout", &node_options::keep_alive_timeout, "duration", 30s)
          .doc("How long an idle keep-alive HTTP connection stays open.",
               "Longer saves clients reconnects after pauses; shorter frees idle "
               "connections' descriptors sooner."),
      option("request-timeout", &node_options::request_timeout, "duration", 2s)
          .doc("How long an HTTP request waits for the node's actors before it fails "
               "with an error status.",
               "Lower fails faster under overload; higher rides out stalls."),
      option("max-watchers", &node_options::max_watchers, "reads", 64)
          .range(1, 4096)
          .doc("Blocking reads (GET /v1/value?index=N&wait=D) that may wait at once; "
               "past it a blocking read gets 429 at once.",
               "A waiting read holds no thread, but every new value scans the waiting "
               "reads, so very many cost time per write."),
      option("reset-state", &node_options::reset_state, "flag", false)
          .doc("If the state in data-dir cannot be used (both slots state.0 and state.1 "
               "corrupt, or one unreadable), move the unusable files aside (<name>."
               "corrupt) and start from what is left: the other slot, the state file "
               "of the layout before slots if intact, else as a new node that relearns "
               "the value (command line: --onevalue.reset-state).",
               "Off, such files stop the node with an error naming them: never a "
               "silent reset."),
      option("event-handlers", &node_options::event_handlers, "list", strings{})
          .each("\"[EVENTS=]COMMAND\" strings", handler_spec)
          .doc("Commands run on events, as Serf's: \"member-join,member-leave=/path/"
               "script\", \"value=/usr/local/bin/reload\"; events member-join, "
               "member-leave, member-failed, member-update, member-reap, value, or * "
               "(the default); the event on stdin and in ONEVALUE_* variables.",
               "Each run is a process; handlers run off the protocol's threads, so a "
               "slow one delays only other handlers."),
      option("event-handler-concurrency", &node_options::event_handler_concurrency,
             "processes", 4)
          .range(1, 64)
          .doc("Handler processes running at once; runs of one event type still go one "
               "after another, in order.",
               "More lets handlers of different event types overlap, at a thread and a "
               "process each."),
      option("event-handler-timeout", &node_options::event_handler_timeout, "duration",
             30s)
          .doc("How long a handler may run before its process group gets SIGTERM (and "
               "SIGKILL 1s later); logged.",
               "Shorter frees a slot from a hanging handler sooner and cuts off slow "
               "legitimate ones."),
      option("event-coalesce-period", &node_options::event_coalesce_period, "duration",
             1s)
          .zero_is("no coalescing: one run per event")
          .doc("Member events (and values) within this time of the first one are "
               "delivered together: one run per event type with each member's latest "
               "state, and only the latest value.",
               "Longer turns bigger bursts into one run and delays every event up to "
               "this long."),
      option("event-quiescent-period", &node_options::event_quiescent_period, "duration",
             200ms)
          .zero_is("off: only event-coalesce-period counts")
          .doc("A coalesced batch is delivered early once no event joined it for this "
               "long (the burst is over).",
               "Longer waits out slower bursts; it never delays past "
               "event-coalesce-period."),
      option("event-queue-limit", &node_options::event_queue_limit, "runs", 256)
          .range(1, 100000)
          .doc("Handler runs waiting for a process slot at most; past it the oldest "
               "waiting run is dropped and the drop is logged with a count.",
               "Higher keeps more history when handlers are slow, at memory per run "
               "(its stdin, one line per member)."),
      option("consistency", &node_options::consistency, "mode", "eventual")
          .one_of({"eventual", "linearizable"})
          .doc("How the value is kept consistent: eventual takes every write on the "
               "node that gets it (last writer wins, spread by gossip); linearizable "
               "commits every write, If-Match, add and ?consistent read through "
               "consensus (CASPaxos) among the voters. Every node must use the same "
               "mode and voters: a node that differs is refused at join.",
               "linearizable gives true compare-and-set and atomic add, but a write "
               "needs a majority of voters reachable (else 503) and costs a round trip "
               "and an fsync on them; eventual writes stay local and always available."),
      option("voters", &node_options::voters, "list", strings{})
          .each("node names", valid_name)
          .doc("The nodes that vote in linearizable mode (its acceptors), e.g. "
               "[\"n1\", \"n2\", \"n3\"]: an odd number, 1 to 7, the same list on every "
               "node, required in linearizable mode and refused in eventual mode. Each "
               "voter needs a data-dir for the guarantee (its promises must survive a "
               "restart). Changing the list is a stop-the-cluster operation (README).",
               "More voters survive more failures (3 survive 1, 5 survive 2) and cost "
               "every write more messages; any node, voter or not, can propose."),
  };
  // The profile, the keyring and the protocol's options, in this order in --help and
  // the README.
  for (auto& row : protocol_option_rows())
    rows.push_back(std::move(row));
  return rows;
}

} // namespace

const std::vector<node_option_row>& node_option_table() {
  static const auto table = make_table();
  return table;
}

const std::vector<std::string>& profile_names() {
  static const std::vector<std::string> names{"lan", "local"};
  return names;
}

swim_settings profile_settings(const std::string& name) {
  return name == "local" ? local_profile() : lan_profile();
}

} // namespace onevalue
