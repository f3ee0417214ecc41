#pragma once

// Thin logging front end over spdlog. CAF's own log macros are compiled out in
// Debian's build, so the node logs through these.

#include <spdlog/spdlog.h>

#include <optional>
#include <string>

namespace onevalue::log {

/// Sets up the process-wide logger writing to stderr with `level` ("trace", "debug",
/// "info", "warning", "error", "off"). Returns false for an unknown level name.
bool init(const std::string& level, const std::string& node_name);

/// Returns true if `level` names a valid log level.
bool valid_level(const std::string& level);

} // namespace onevalue::log

#define OV_LOG_DEBUG(...) spdlog::debug(__VA_ARGS__)
#define OV_LOG_INFO(...) spdlog::info(__VA_ARGS__)
#define OV_LOG_WARN(...) spdlog::warn(__VA_ARGS__)
#define OV_LOG_ERROR(...) spdlog::error(__VA_ARGS__)
