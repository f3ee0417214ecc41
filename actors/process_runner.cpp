#include "actors/process_runner.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace onevalue {

namespace {

using clock = std::chrono::steady_clock;

/// Closes a descriptor once; -1 means closed.
void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

/// The node's environment with `extra` added or replaced, as "KEY=VALUE" strings.
std::vector<std::string>
environment_with(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv{*e};
    auto eq = kv.find('=');
    if (eq != std::string::npos)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra)
    env[k] = v;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env)
    out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// A descriptor readable when `pid` exits (pidfd), or -1 if the kernel has none.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

/// Spawns the child with stdin from `in`, stderr to `err`, stdout to /dev/null.
int spawn_child(const process_request& request, int in, int err, pid_t& pid) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
  // The node blocks SIGTERM and SIGINT in every thread and may ignore SIGPIPE; a
  // handler must start with neither, or it could not be stopped at its timeout.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD})
    sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  // A process group of its own, so a timeout also stops what a script started.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                                      | POSIX_SPAWN_SETPGROUP);
  auto argv_strings = command_argv(request.command);
  auto env_strings = environment_with(request.env);
  auto argv = pointers(argv_strings);
  auto envp = pointers(env_strings);
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc;
}

/// The parent's side of one running child.
class child_watch {
public:
  child_watch(const process_request& request, pid_t pid, int in, int err, int cancel_fd)
      : request_(request), pid_(pid), in_(in), err_(err), cancel_fd_(cancel_fd),
        pidfd_(open_pidfd(pid)), start_(clock::now()),
        deadline_(start_ + request.timeout) {}

  ~child_watch() {
    close_fd(in_);
    close_fd(err_);
    close_fd(pidfd_);
  }

  child_watch(const child_watch&) = delete;
  child_watch& operator=(const child_watch&) = delete;

  process_result wait() {
    process_result result;
    result.started = true;
    int status = 0;
    while (!reaped(status)) {
      auto now = clock::now();
      if (now >= deadline_)
        escalate(result);
      poll_once(result);
    }
    drain(result);
    if (WIFEXITED(status))
      result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      result.signal = WTERMSIG(status);
    result.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start_);
    return result;
  }

private:
  /// True once the child has been reaped into `status`.
  bool reaped(int& status) {
    auto r = ::waitpid(pid_, &status, WNOHANG);
    return r == pid_ || (r < 0 && errno == ECHILD);
  }

  /// SIGTERM at the timeout, SIGKILL after the grace period.
  void escalate(process_result& result) {
    if (!result.timed_out) {
      result.timed_out = true;
      ::kill(-pid_, SIGTERM);
      deadline_ = clock::now() + request_.kill_grace;
    } else if (!result.killed) {
      result.killed = true;
      ::kill(-pid_, SIGKILL);
      deadline_ = clock::time_point::max();
    }
  }

  /// Waits for the next thing to do: input to write, stderr to read, the child's exit,
  /// cancellation or the deadline.
  void poll_once(process_result& result) {
    pollfd fds[4];
    nfds_t n = 0;
    int in_at = -1, err_at = -1, cancel_at = -1;
    if (in_ >= 0) {
      in_at = static_cast<int>(n);
      fds[n++] = {in_, POLLOUT, 0};
    }
    if (err_ >= 0) {
      err_at = static_cast<int>(n);
      fds[n++] = {err_, POLLIN, 0};
    }
    if (pidfd_ >= 0)
      fds[n++] = {pidfd_, POLLIN, 0};
    if (cancel_fd_ >= 0 && !result.cancelled) {
      cancel_at = static_cast<int>(n);
      fds[n++] = {cancel_fd_, POLLIN, 0};
    }
    // Without a pidfd the exit is noticed by polling waitpid every 20 ms.
    int wait_ms = pidfd_ >= 0 ? 1000 : 20;
    if (deadline_ != clock::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - clock::now());
      wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, wait_ms));
    }
    if (::poll(fds, n, wait_ms) <= 0)
      return;
    if (in_at >= 0 && fds[in_at].revents != 0)
      write_input();
    if (err_at >= 0 && fds[err_at].revents != 0)
      read_stderr(result);
    if (cancel_at >= 0 && fds[cancel_at].revents != 0) {
      result.cancelled = true;
      if (!result.timed_out)
        deadline_ = clock::now();
    }
  }

  void write_input() {
    const auto& input = request_.input;
    if (written_ < input.size()) {
      auto r = ::write(in_, input.data() + written_, input.size() - written_);
      if (r > 0)
        written_ += static_cast<std::size_t>(r);
      else if (r < 0 && errno != EAGAIN && errno != EINTR)
        written_ = input.size(); // EPIPE: the handler does not read its stdin
    }
    if (written_ >= input.size())
      close_fd(in_);
  }

  void read_stderr(process_result& result) {
    char buf[4096];
    auto r = ::read(err_, buf, sizeof buf);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
      close_fd(err_);
      return;
    }
    if (r < 0)
      return;
    auto n = static_cast<std::size_t>(r);
    auto room = request_.max_stderr_bytes - result.stderr_text.size();
    result.stderr_text.append(buf, std::min(n, room));
    result.stderr_dropped += n - std::min(n, room);
  }

  /// After the exit: what is left in the stderr pipe (a process the handler started
  /// may still hold it open, so only what is there now).
  void drain(process_result& result) {
    for (int i = 0; i < 64 && err_ >= 0; ++i) {
      pollfd p{err_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0)
        break;
      read_stderr(result);
    }
  }

  const process_request& request_;
  pid_t pid_;
  int in_;
  int err_;
  int cancel_fd_;
  int pidfd_;
  clock::time_point start_;
  clock::time_point deadline_;
  std::size_t written_ = 0;
};

/// Blocks SIGPIPE in the calling thread while a child's stdin is written (a handler
/// that exits without reading must not kill the node), and discards one raised then.
class sigpipe_guard {
public:
  sigpipe_guard() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_);
  }
  ~sigpipe_guard() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    timespec zero{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;

private:
  sigset_t old_;
};

} // namespace

bool needs_shell(const std::string& command) {
  return command.find_first_of("'\"$`\\|&;<>()*?[]{}~#=%!\n") != std::string::npos;
}

std::vector<std::string> command_argv(const std::string& command) {
  if (needs_shell(command))
    return {"/bin/sh", "-c", command};
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < command.size()) {
    auto start = command.find_first_not_of(" \t", i);
    if (start == std::string::npos)
      break;
    auto end = command.find_first_of(" \t", start);
    if (end == std::string::npos)
      end = command.size();
    words.push_back(command.substr(start, end - start));
    i = end;
  }
  return words;
}

process_result run_process(const process_request& request, int cancel_fd) {
  process_result failed;
  if (command_argv(request.command).empty()) {
    failed.error = "empty command";
    return failed;
  }
  int in[2];
  int err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    failed.error = std::string{"pipe: "} + std::strerror(errno);
    return failed;
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    failed.error = std::string{"pipe: "} + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return failed;
  }
  sigpipe_guard guard;
  pid_t pid = 0;
  int rc = spawn_child(request, in[0], err[1], pid);
  ::close(in[0]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(err[0]);
    failed.error = "cannot start " + command_argv(request.command).front() + ": "
                   + std::strerror(rc);
    return failed;
  }
  ::fcntl(in[1], F_SETFL, ::fcntl(in[1], F_GETFL) | O_NONBLOCK);
  ::fcntl(err[0], F_SETFL, ::fcntl(err[0], F_GETFL) | O_NONBLOCK);
  child_watch watch{request, pid, in[1], err[0], cancel_fd};
  return watch.wait();
}

} // namespace onevalue
