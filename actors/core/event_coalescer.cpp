#include "actors/core/event_coalescer.hpp"

#include <algorithm>

namespace onevalue {

void event_coalescer::window::touch(time_point now) {
  if (!open)
    first = now;
  last = now;
  open = true;
}

event_coalescer::time_point
event_coalescer::window::due(const coalesce_settings& s) const {
  auto at = first + s.coalesce_period;
  if (s.quiescent_period.count() > 0)
    at = std::min(at, last + s.quiescent_period);
  return at;
}

void event_coalescer::add(time_point now, const member_change& event) {
  members_window_.touch(now);
  auto same = std::find_if(members_.begin(), members_.end(), [&](const member_change& e) {
    return e.member.name == event.member.name;
  });
  if (same != members_.end())
    *same = event;
  else
    members_.push_back(event);
}

void event_coalescer::add(time_point now, const versioned_value& value) {
  value_window_.touch(now);
  value_ = value;
}

std::optional<event_coalescer::time_point> event_coalescer::deadline() const {
  std::optional<time_point> at;
  if (members_window_.open)
    at = members_window_.due(settings_);
  if (value_window_.open) {
    auto v = value_window_.due(settings_);
    at = at ? std::min(*at, v) : v;
  }
  return at;
}

std::vector<event_batch> event_coalescer::take_due(time_point now) {
  std::vector<event_batch> out;
  if (members_window_.open && members_window_.due(settings_) <= now) {
    for (auto type : all_event_types) {
      event_batch batch;
      batch.type = type;
      for (const auto& e : members_)
        if (e.type == type)
          batch.members.push_back(e.member);
      if (!batch.members.empty())
        out.push_back(std::move(batch));
    }
    members_.clear();
    members_window_ = {};
  }
  if (value_window_.open && value_window_.due(settings_) <= now) {
    event_batch batch;
    batch.type = event_type::value;
    batch.value = *value_;
    out.push_back(std::move(batch));
    value_.reset();
    value_window_ = {};
  }
  return out;
}

} // namespace onevalue
