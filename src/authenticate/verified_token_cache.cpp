#include "verified_token_cache.hpp"

namespace bronpoort::authenticate {

std::shared_ptr<const VerifiedToken> VerifiedTokenCache::find(std::string_view token) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(token));
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<const VerifiedToken> VerifiedTokenCache::insert(std::string_view token,
                                                                VerifiedToken verified) {
  auto entry = std::make_shared<const VerifiedToken>(std::move(verified));
  if (capacity_ == 0) return entry;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(std::string(token), entry);
  return entry;
}

}  // namespace bronpoort::authenticate
