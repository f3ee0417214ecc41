#include "actors/core/persistence_health.hpp"

namespace onevalue {

persistence_report persistence_health::on_save(save_result result,
                                               const std::string& message) {
  persistence_report report;
  if (result == save_result::saved) {
    if (current_ == save_result::saved)
      return report;
    report.what = persistence_report::kind::episode_ended;
    report.message = std::move(message_);
    report.no_space = current_ == save_result::no_space;
    report.writes_refused = refused_in_episode_;
    report.failed_saves = failed_in_episode_;
    current_ = save_result::saved;
    message_.clear();
    refused_in_episode_ = 0;
    failed_in_episode_ = 0;
    return report;
  }
  if (current_ == result) {
    ++failed_in_episode_;
    return report;
  }
  // A new episode, or a change of kind (a full disk that starts failing otherwise):
  // the counts carry over so that nothing refused goes unreported at the end.
  current_ = result;
  message_ = message;
  ++failed_in_episode_;
  ++episodes_;
  report.what = persistence_report::kind::episode_began;
  report.message = message;
  report.no_space = result == save_result::no_space;
  return report;
}

void persistence_health::on_write_refused() {
  ++refused_in_episode_;
  ++refused_total_;
}

} // namespace onevalue
