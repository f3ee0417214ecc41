#pragma once

// Whether the node's saves succeed, as episodes: a run of failed saves of one kind
// (no space, or another error) is one episode, logged when it starts and when a save
// succeeds again, with the writes it refused counted in between. A full disk under a
// write load would otherwise log one error line per request.

#include <cstdint>
#include <string>

namespace onevalue {

/// How one save of the state (or of another durable file) ended.
enum class save_result : uint8_t {
  saved,    ///< durable
  no_space, ///< the file system was full (ENOSPC/EDQUOT); nothing replaced
  failed,   ///< any other failure (I/O error, read-only file system, permissions)
};

/// What the caller should log after `persistence_health::on_save`.
struct persistence_report {
  enum class kind : uint8_t {
    none,          ///< nothing changed: stay quiet
    episode_began, ///< the first failure of a new episode (or of a new kind)
    episode_ended, ///< a save succeeded after an episode
  };
  kind what = kind::none;
  /// For `episode_began`: the failure's message. For `episode_ended`: the message of
  /// the episode that ended.
  std::string message;
  /// For `episode_began`: whether the disk was full. For `episode_ended`: whether the
  /// ended episode was a full disk.
  bool no_space = false;
  /// For `episode_ended`: writes refused during the episode.
  uint64_t writes_refused = 0;
  /// For `episode_ended`: failed saves during the episode.
  uint64_t failed_saves = 0;
};

/// Tracks save outcomes as episodes and counts what they cost.
///
/// Pure state, no I/O and no clock. Owned by the store actor; one thread at a time.
class persistence_health {
public:
  /// Records the outcome of one save (`message` describes a failure) and says what to
  /// log: a failure starts an episode unless one of the same kind is going on; a
  /// success ends the current episode.
  persistence_report on_save(save_result result, const std::string& message = {});

  /// Counts a write refused because its save failed (or because the disk is full).
  void on_write_refused();

  /// True while saves fail because the disk is full.
  bool disk_full() const { return current_ == save_result::no_space; }

  /// True while saves fail for any reason.
  bool failing() const { return current_ != save_result::saved; }

  /// Episodes since start (both kinds).
  uint64_t episodes() const { return episodes_; }

  /// Writes refused since start because a save failed.
  uint64_t writes_refused_total() const { return refused_total_; }

private:
  save_result current_ = save_result::saved;
  std::string message_;
  uint64_t episodes_ = 0;
  uint64_t refused_in_episode_ = 0;
  uint64_t failed_in_episode_ = 0;
  uint64_t refused_total_ = 0;
};

} // namespace onevalue
