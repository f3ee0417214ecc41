#include "actors/saver.hpp"

#include "actors/log.hpp"

#include <caf/all.hpp>

namespace onevalue {

state_saver_actor::behavior_type state_saver(std::shared_ptr<file_layer> files,
                                             std::string data_dir,
                                             state_slot_cursor cursor) {
  auto at = std::make_shared<state_slot_cursor>(cursor);
  return {
      [=](save_atom, const durable_state& state,
          bool flush) -> caf::result<uint8_t, std::string, bool> {
        auto how =
            effective_flush(*at, flush ? slot_flush::flushed : slot_flush::unflushed);
        const bool flushed = how == slot_flush::flushed;
        if (auto err = save_state(*files, data_dir, *at, state, how))
          return {static_cast<uint8_t>(classify(*err)), err->message, flushed};
        return {static_cast<uint8_t>(save_result::saved), std::string{}, flushed};
      },
  };
}

save_result classify(const persistence_error& error) {
  return error.no_space ? save_result::no_space : save_result::failed;
}

void log_health_report(const std::string& node, const persistence_report& report) {
  using kind = persistence_report::kind;
  switch (report.what) {
  case kind::none:
    return;
  case kind::episode_began:
    if (report.no_space)
      OV_LOG_ERROR("{}: disk full: {}; writes are refused (HTTP 507) until a save "
                   "finds space again, reads keep working; logged once until then",
                   node, report.message);
    else
      OV_LOG_ERROR("{}: write not persisted: {}; writes are refused until a save "
                   "succeeds again; logged once until then",
                   node, report.message);
    return;
  case kind::episode_ended:
    OV_LOG_WARN("{}: saves succeed again after {} failed saves{}; {} writes were refused "
                "meanwhile",
                node, report.failed_saves, report.no_space ? " (the disk was full)" : "",
                report.writes_refused);
    return;
  }
}

} // namespace onevalue
