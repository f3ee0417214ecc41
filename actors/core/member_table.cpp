#include "actors/core/member_table.hpp"

#include <algorithm>
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
  ++counts_[static_cast<std::size_t>(entries_.back().info.state)];
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
  --counts_[static_cast<std::size_t>(entries_[slot].info.state)];
  auto last = static_cast<uint32_t>(entries_.size() - 1);
  if (slot != last) {
    index_[bucket_of(last)] = slot;
    entries_[slot] = std::move(entries_[last]);
  }
  entries_.pop_back();
  return last;
}

void member_table::set_state(entry& e, member_state to) {
  --counts_[static_cast<std::size_t>(e.info.state)];
  ++counts_[static_cast<std::size_t>(to)];
  e.info.state = to;
}

void member_table::apply(const member_delta& d) {
  auto slot = find(d.member.name);
  if (d.forgotten) {
    if (slot != npos)
      erase(slot);
    return;
  }
  if (slot == npos) {
    insert(entry{d.member, time_point{}, time_point::min()});
    return;
  }
  auto& e = entries_[slot];
  set_state(e, d.member.state);
  e.info = d.member;
}

std::vector<member_info> member_table::by_name() const {
  std::vector<uint32_t> order(entries_.size());
  for (uint32_t slot = 0; slot < order.size(); ++slot)
    order[slot] = slot;
  std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    return entries_[a].info.name < entries_[b].info.name;
  });
  std::vector<member_info> result;
  result.reserve(order.size());
  for (auto slot : order)
    result.push_back(entries_[slot].info);
  return result;
}

member_counts member_table::counts() const {
  member_counts c;
  c.alive = count(member_state::alive);
  c.suspect = count(member_state::suspect);
  c.failed = count(member_state::failed);
  c.left = count(member_state::left);
  return c;
}

std::size_t member_table::pool_size(sample_pool pool, uint32_t self) const {
  auto n = pool == sample_pool::live
               ? count(member_state::alive) + count(member_state::suspect)
               : count(member_state::alive);
  return self != npos && in_pool(entries_[self].info.state, pool) ? n - 1 : n;
}

std::vector<uint32_t> member_table::sample(std::size_t k, uint32_t self, uint32_t except,
                                           sample_pool pool, std::mt19937_64& rng) const {
  std::vector<uint32_t> result;
  auto eligible = pool_size(pool, self);
  if (except != npos && except != self && in_pool(entries_[except].info.state, pool))
    --eligible;
  if (k == 0 || eligible == 0)
    return result;
  auto n = entries_.size();
  auto wanted = [&](uint32_t slot) {
    return slot != self && slot != except && in_pool(entries_[slot].info.state, pool);
  };
  if (n > 4 * k && eligible > k && 2 * eligible >= n) {
    // Large tables, mostly eligible: draw slots until k distinct eligible ones came up
    // (expected fewer than 4 draws each, as more than half the slots qualify). The
    // draws are bounded, so even a wrong count cannot make this spin forever.
    std::uniform_int_distribution<std::size_t> pick{0, n - 1};
    for (std::size_t draws = 0; result.size() < k && draws < 64 * k; ++draws) {
      auto slot = static_cast<uint32_t>(pick(rng));
      if (!wanted(slot) || std::find(result.begin(), result.end(), slot) != result.end())
        continue;
      result.push_back(slot);
    }
    if (result.size() == k)
      return result;
    result.clear();
  }
  // Small or mostly ineligible tables: shuffle every candidate.
  result.reserve(eligible);
  for (uint32_t slot = 0; slot < n; ++slot)
    if (wanted(slot))
      result.push_back(slot);
  std::shuffle(result.begin(), result.end(), rng);
  result.resize(std::min(result.size(), k));
  return result;
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
  std::array<std::size_t, 4> recount{};
  for (uint32_t slot = 0; slot < entries_.size(); ++slot) {
    if (find(entries_[slot].info.name) != slot)
      return entries_[slot].info.name + " is not found at its slot "
             + std::to_string(slot);
    ++recount[static_cast<std::size_t>(entries_[slot].info.state)];
  }
  if (recount != counts_)
    return "the members-by-state counts disagree with the table";
  return {};
}

} // namespace onevalue
