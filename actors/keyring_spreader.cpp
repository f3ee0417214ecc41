#include "actors/keyring_spreader.hpp"

#include "actors/protocol.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <memory>

namespace onevalue {

namespace {

/// The answers so far and who still owes one.
struct spread {
  keyring_report report;
  std::size_t waiting = 0;
  caf::typed_response_promise<keyring_report> caller;
};

void add(caf::event_based_actor* self, const std::shared_ptr<spread>& s,
         node_keyring_answer answer) {
  s->report.nodes.push_back(std::move(answer));
  if (--s->waiting > 0)
    return;
  std::sort(s->report.nodes.begin(), s->report.nodes.end(),
            [](const node_keyring_answer& a, const node_keyring_answer& b) {
              return a.node < b.node;
            });
  s->caller.deliver(std::move(s->report));
  self->quit();
}

} // namespace

caf::behavior keyring_spreader(caf::event_based_actor* self, caf::actor stream,
                               std::chrono::milliseconds timeout) {
  return {
      [self, stream, timeout](
          keyring_atom, keyring_report& so_far, const std::vector<member_info>& targets,
          const std::vector<char>& payload) -> caf::result<keyring_report> {
        if (targets.empty()) {
          self->quit();
          return std::move(so_far);
        }
        auto s = std::make_shared<spread>();
        s->report = std::move(so_far);
        s->waiting = targets.size();
        s->caller = self->make_response_promise<keyring_report>();
        for (const auto& m : targets) {
          auto name = m.name;
          self->request(stream, timeout, exchange_atom::value, m.address, m.cluster_port,
                        payload)
              .then(
                  [self, s, name](const std::vector<char>& reply) {
                    node_keyring_answer a{
                        name, decode_keyring_answer({reply.data(), reply.size()}), {}};
                    if (!a.answer)
                      a.error = "its answer does not decode";
                    add(self, s, std::move(a));
                  },
                  [self, s, name](caf::error& err) {
                    add(self, s,
                        node_keyring_answer{name, std::nullopt,
                                            self->system().render(err)});
                  });
        }
        return s->caller;
      },
  };
}

} // namespace onevalue
