#include "actors/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace onevalue::log {

namespace {

std::optional<spdlog::level::level_enum> parse_level(const std::string& level) {
  if (level == "trace")
    return spdlog::level::trace;
  if (level == "debug")
    return spdlog::level::debug;
  if (level == "info")
    return spdlog::level::info;
  if (level == "warning")
    return spdlog::level::warn;
  if (level == "error")
    return spdlog::level::err;
  if (level == "off")
    return spdlog::level::off;
  return std::nullopt;
}

} // namespace

bool valid_level(const std::string& level) {
  return parse_level(level).has_value();
}

bool init(const std::string& level, const std::string& node_name) {
  auto parsed = parse_level(level);
  if (!parsed)
    return false;
  auto logger = spdlog::stderr_logger_mt("onevalue");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [" + node_name + "] %v");
  logger->set_level(*parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return true;
}

} // namespace onevalue::log
