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
/// its eventfd, once per batch. Thread-safe.
class completion_inbox {
public:
  /// `wake_fd` is the loop's eventfd, written to wake it (the loop owns the fd).
  explicit completion_inbox(int wake_fd);

  /// Marks the calling thread as the loop's own; call before handing out responders.
  void bind_to_current_thread();

  /// Queues `c` for the loop; drops it if the loop is closed. Never blocks on the loop.
  void post(completion c);

  /// Loop thread: takes everything posted so far, local first.
  std::vector<completion> take();

  /// Loop thread: true if a response from the loop's own thread is waiting (they need
  /// no wake-up).
  bool has_local() const { return !local_.empty(); }

  /// Drops later posts (the loop stopped).
  void close();

private:
  int wake_fd_;
  std::thread::id owner_;
  /// Only touched by the owner thread.
  std::vector<completion> local_;
  std::mutex mutex_;
  std::vector<completion> remote_;
  bool closed_ = false;
};

} // namespace onevalue
