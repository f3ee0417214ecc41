#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace onevalue {

/// A response ready to go out on one connection of an HTTP event loop.
struct completion {
  /// The connection it belongs to (a loop-unique id, never reused).
  uint64_t connection = 0;
  /// The serialized response.
  std::string bytes;
  /// Close the connection once the bytes are written.
  bool close_after = false;
};

/// Where responses reach their event loop from whichever thread produced them.
///
/// Shared (`shared_ptr`) between one loop and every responder it handed out, so a
/// response that arrives after its loop stopped is dropped instead of touching a dead
/// loop. Responses made on the loop's own thread (reads answered at once) go to a
/// local list without a lock; others go to a locked list and wake the loop through
/// the inbox's eventfd, once per batch. The inbox owns that fd, so a responder that
/// outlives the loop still writes to its own eventfd, never to a reused fd number.
/// Thread-safe.
class completion_inbox {
public:
  /// Creates the eventfd; check `fd()` >= 0.
  completion_inbox();
  ~completion_inbox();

  completion_inbox(const completion_inbox&) = delete;
  completion_inbox& operator=(const completion_inbox&) = delete;

  /// The eventfd the loop watches (readable after a post from another thread or a
  /// `wake()`); -1 if it could not be created.
  int fd() const { return wake_fd_; }

  /// Makes `fd()` readable (e.g. to tell the loop to stop). Thread-safe.
  void wake();

  /// Loop thread: resets `fd()` after it was readable.
  void clear_wake();

  /// Marks the calling thread as the loop's own; call before handing out responders.
  void bind_to_current_thread();

  /// Queues `c` for the loop; drops it if the loop is closed. Never blocks on the loop.
  void post(completion c);

  /// Loop thread: takes everything posted so far, local first.
  std::vector<completion> take();

  /// Drops later posts (the loop stopped).
  void close();

private:
  int wake_fd_ = -1;
  std::thread::id owner_;
  /// Only touched by the owner thread.
  std::vector<completion> local_;
  std::mutex mutex_;
  std::vector<completion> remote_;
  bool closed_ = false;
};

} // namespace onevalue
