#pragma once

// Runs one handler process to completion: posix_spawn, the input on its stdin, its
// stderr captured up to a bound, a timeout enforced with SIGTERM and then SIGKILL to
// its whole process group. Blocking: called from a handler pool thread, never from an
// actor. No CAF.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace onevalue {

/// What to run and its limits.
struct process_request {
  /// A command line. Run with /bin/sh -c if `needs_shell` says so, else split at
  /// spaces and tabs and run directly (looked up in PATH if it has no '/').
  std::string command;
  /// Written to stdin, which is then closed (a handler that does not read it is fine).
  std::string input;
  /// Added to (or replacing in) the node's environment.
  std::vector<std::pair<std::string, std::string>> env;
  /// After this long the process group gets SIGTERM.
  std::chrono::milliseconds timeout{30000};
  /// After SIGTERM, this long until SIGKILL.
  std::chrono::milliseconds kill_grace{1000};
  /// Bytes of stderr kept; the rest is counted and discarded.
  std::size_t max_stderr_bytes = 4096;
};

/// How a run ended.
struct process_result {
  /// False if the process could not be started; `error` says why.
  bool started = false;
  std::string error;
  /// The exit status if it exited, else -1.
  int exit_code = -1;
  /// The signal that ended it, else 0.
  int signal = 0;
  /// It outlived its timeout (or the run was cancelled) and was sent SIGTERM.
  bool timed_out = false;
  /// It outlived the grace period after SIGTERM as well and was sent SIGKILL.
  bool killed = false;
  /// The run was cancelled through the cancel descriptor (node shutting down).
  bool cancelled = false;
  /// The first max_stderr_bytes of stderr, and how many bytes were dropped after it.
  std::string stderr_text;
  std::size_t stderr_dropped = 0;
  std::chrono::milliseconds duration{0};
};

/// True if `command` needs a shell: it contains a character a shell would interpret
/// (quotes, $, `, \, |, &, ;, <, >, (, ), *, ?, [, ], {, }, ~, #, =, %, !, or a
/// newline). Otherwise it is run directly, split at spaces and tabs.
bool needs_shell(const std::string& command);

/// The argv `run_process` uses for `command`: {"/bin/sh", "-c", command} or the words.
std::vector<std::string> command_argv(const std::string& command);

/// Runs `request` and waits for it to end (at most timeout + kill_grace, plus the time
/// a SIGKILLed process takes to die). If `cancel_fd` (>= 0) becomes readable, the
/// process is ended as at a timeout and `cancelled` set. The child gets default signal
/// dispositions, an empty signal mask, stdout on /dev/null, and a process group of its
/// own. Never throws; a failure to start is reported in the result.
process_result run_process(const process_request& request, int cancel_fd = -1);

} // namespace onevalue
