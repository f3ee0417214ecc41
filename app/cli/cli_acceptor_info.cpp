#include "app/cli/cli_acceptor_info.hpp"

#include "actors/core/acceptor_file.hpp"
#include "actors/core/consensus_codec.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <tuple>

namespace onevalue::cli {

namespace {

nlohmann::json ballot_json(const ballot& b) {
  return {{"counter", b.counter}, {"proposer", b.proposer}, {"epoch", b.epoch}};
}

} // namespace

int print_acceptor_info(const std::string& data_dir, std::ostream& out,
                        std::ostream& err) {
  auto files = posix_file_layer();
  std::optional<acceptor_state> best;
  std::string problems;
  for (int slot = 0; slot < 2; ++slot) {
    auto path = acceptor_slot_path(data_dir, slot);
    std::string bytes;
    if (auto ec = files->read_all(path, bytes)) {
      problems += " " + path + ": " + ec.message() + ";";
      continue;
    }
    std::string why;
    auto state = decode_acceptor_slot(bytes, why);
    if (!state) {
      problems += " " + path + ": " + why + ";";
      continue;
    }
    if (!best
        || std::tie(state->promised, state->accepted)
               > std::tie(best->promised, best->accepted))
      best = state;
  }
  if (!best) {
    err << "onevalue: acceptor-info: no valid acceptor state in " << data_dir << ":"
        << problems << "\n";
    return 1;
  }
  nlohmann::json j{{"promised", ballot_json(best->promised)},
                   {"accepted", ballot_json(best->accepted)}};
  if (!best->accepted.none())
    j["value"] = {{"value", best->state.current.value},
                  {"version",
                   {{"counter", best->state.current.ver.counter},
                    {"node", best->state.current.ver.node}}}};
  out << j.dump() << "\n";
  return 0;
}

} // namespace onevalue::cli
