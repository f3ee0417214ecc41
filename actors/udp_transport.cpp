#include "actors/udp_transport.hpp"

#include "actors/log.hpp"
#include "actors/protocol.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <map>
#include <memory>

namespace onevalue {

namespace {

struct udp_state {
  caf::io::datagram_handle local;
  bool open = false;
  /// One sending endpoint per peer "host:port"; CAF sends from an ephemeral port, which
  /// is why the payload names its sender.
  std::map<std::string, caf::io::datagram_handle> peers;
};

} // namespace

caf::behavior udp_transport(caf::io::broker* self, caf::actor owner) {
  auto state = std::make_shared<udp_state>();
  // Close every endpoint explicitly when the owner goes away, so the multiplexer has no
  // socket left and the middleman can shut down.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->close_all();
    self->quit(msg.reason);
  });
  return {
      [=](open_atom, const std::string& bind, uint16_t port) -> caf::result<uint16_t> {
        auto bound = self->add_udp_datagram_servant(
            port, bind.empty() ? nullptr : bind.c_str(), true);
        if (!bound)
          return bound.error();
        state->local = bound->first;
        state->open = true;
        // CAF 0.17.6 never releases a local datagram endpoint that has not received a
        // single datagram: the middleman's shutdown then waits forever (a lone node hung
        // on SIGTERM). One byte to ourselves avoids that; the owner drops it as
        // undecodable.
        auto loopback =
            bind.empty() || bind == "0.0.0.0" ? std::string{"127.0.0.1"} : bind;
        if (auto to_self = self->add_udp_datagram_servant(loopback, bound->second)) {
          self->enqueue_datagram(*to_self, std::vector<char>{'\0'});
          self->flush(*to_self);
        }
        return bound->second;
      },
      [=](send_atom, const std::string& host, uint16_t port, std::vector<char>& bytes) {
        auto key = host + ":" + std::to_string(port);
        auto it = state->peers.find(key);
        if (it == state->peers.end()) {
          auto hdl = self->add_udp_datagram_servant(host, port);
          if (!hdl) {
            OV_LOG_DEBUG("cannot create a datagram endpoint for {}: {}", key,
                         self->system().render(hdl.error()));
            return;
          }
          it = state->peers.emplace(key, *hdl).first;
        }
        self->enqueue_datagram(it->second, std::move(bytes));
        self->flush(it->second);
      },
      [=](caf::io::new_datagram_msg& msg) {
        self->send(owner, packet_atom::value,
                   std::vector<char>(msg.buf.begin(), msg.buf.end()));
      },
      [=](caf::io::datagram_sent_msg&) {
        // Nothing to do: datagrams are fire and forget.
      },
      [=](caf::io::datagram_servant_closed_msg& msg) {
        for (auto& closed : msg.handles) {
          if (state->open && closed == state->local) {
            OV_LOG_ERROR(
                "the cluster UDP endpoint was closed; probes can no longer arrive");
            state->open = false;
          }
          for (auto it = state->peers.begin(); it != state->peers.end();)
            it = it->second == closed ? state->peers.erase(it) : std::next(it);
        }
      },
  };
}

} // namespace onevalue
