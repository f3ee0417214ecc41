#include "http/server/descriptor_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace onevalue {

namespace {

std::string describe(rlim_t limit) {
  return limit == RLIM_INFINITY ? std::string{"unlimited"} : std::to_string(limit);
}

} // namespace

std::string raise_descriptor_limit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0)
    return std::string{"cannot read the file descriptor limit: "} + std::strerror(errno);
  if (files.rlim_cur == files.rlim_max)
    return "file descriptor limit " + describe(files.rlim_cur);
  auto before = files.rlim_cur;
  // An unlimited hard limit still stops at the kernel's fs.nr_open (1048576 by default).
  constexpr rlim_t kernel_default_max = 1048576;
  files.rlim_cur = files.rlim_max == RLIM_INFINITY ? kernel_default_max : files.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &files) != 0)
    return "file descriptor limit stays " + describe(before) + " (cannot raise it to "
           + describe(files.rlim_cur) + ": " + std::strerror(errno) + ")";
  return "file descriptor limit raised from " + describe(before) + " to "
         + describe(files.rlim_cur);
}

} // namespace onevalue
