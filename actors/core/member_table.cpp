#include "actors/core/member_table.hpp"

#include <functional>

namespace onevalue {

namespace {

/// The index grows past 70 % load: linear probing stays short up to there.
bool over_load(std::size_t entries, std::size_t buckets) {
  return entries * 10 > buckets * 7;
}

constexpr std::size_t min_buckets = 16;

} // namespace

std::size_t member_table::home_of(const std::string& name) const {
  return std::hash<std::string>{}(name) & (index_.size() - 1);
}

uint32_t member_table::find(const std::string& name) const {
  if (index_.empty())
    return npos;
  auto mask = index_.size() - 1;
  for (auto i = home_of(name); index_[i] != npos; i = (i + 1) & mask)
    if (entries_[index_[i]].info.name == name)
      return index_[i];
  return npos;
}

member_table::entry* member_table::get(const std::string& name) {
  auto slot = find(name);
  return slot == npos ? nullptr : &entries_[slot];
}

const member_table::entry* member_table::get(const std::string& name) const {
  auto slot = find(name);
  return slot == npos ? nullptr : &entries_[slot];
}

member_table::entry& member_table::insert(entry e) {
  if (index_.empty() || over_load(entries_.size() + 1, index_.size()))
    rehash(index_.empty() ? min_buckets : index_.size() * 2);
  auto slot = static_cast<uint32_t>(entries_.size());
  auto mask = index_.size() - 1;
  auto i = home_of(e.info.name);
  while (index_[i] != npos)
    i = (i + 1) & mask;
  // The entry first: if growing the vector throws, the index still matches it.
  entries_.push_back(std::move(e));
  index_[i] = slot;
  return entries_.back();
}

uint32_t member_table::erase(uint32_t slot) {
  auto mask = index_.size() - 1;
  auto bucket_of = [&](uint32_t s) {
    auto i = home_of(entries_[s].info.name);
    while (index_[i] != s)
      i = (i + 1) & mask;
    return i;
  };
  // Backward-shift deletion: pull later members of the probe run into the hole unless
  // that would move them before their home bucket.
  auto hole = bucket_of(slot);
  for (auto j = (hole + 1) & mask; index_[j] != npos; j = (j + 1) & mask) {
    auto home = home_of(entries_[index_[j]].info.name);
    bool home_in_between =
        hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (home_in_between)
      continue;
    index_[hole] = index_[j];
    hole = j;
  }
  index_[hole] = npos;
  auto last = static_cast<uint32_t>(entries_.size() - 1);
  if (slot != last) {
    index_[bucket_of(last)] = slot;
    entries_[slot] = std::move(entries_[last]);
  }
  entries_.pop_back();
  return last;
}

void member_table::reserve(std::size_t n) {
  entries_.reserve(n);
  auto buckets = index_.empty() ? min_buckets : index_.size();
  while (over_load(n, buckets))
    buckets *= 2;
  if (buckets != index_.size())
    rehash(buckets);
}

void member_table::rehash(std::size_t buckets) {
  index_.assign(buckets, npos);
  auto mask = buckets - 1;
  for (uint32_t slot = 0; slot < entries_.size(); ++slot) {
    auto i = home_of(entries_[slot].info.name);
    while (index_[i] != npos)
      i = (i + 1) & mask;
    index_[i] = slot;
  }
}

std::size_t member_table::capacity_bytes() const {
  return entries_.capacity() * sizeof(entry) + index_.capacity() * sizeof(uint32_t);
}

std::string member_table::check() const {
  std::size_t used = 0;
  for (auto s : index_) {
    if (s == npos)
      continue;
    ++used;
    if (s >= entries_.size())
      return "the name index points past the table (slot " + std::to_string(s) + ")";
  }
  if (used != entries_.size())
    return "the name index has " + std::to_string(used) + " slots for "
           + std::to_string(entries_.size()) + " members";
  if (!entries_.empty() && over_load(entries_.size(), index_.size()))
    return "the name index is over its load limit";
  for (uint32_t slot = 0; slot < entries_.size(); ++slot)
    if (find(entries_[slot].info.name) != slot)
      return entries_[slot].info.name + " is not found at its slot "
             + std::to_string(slot);
  return {};
}

} // namespace onevalue
