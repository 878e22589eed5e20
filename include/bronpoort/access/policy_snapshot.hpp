#pragma once
// The immutable, indexed policy every access decision reads: the purpose register and the grants.
// A snapshot is never changed once built; reloads and grant changes build a new one and swap it in
// atomically, so a decision takes no lock and makes no database round trip.

#include <bronpoort/access/grant.hpp>
#include <bronpoort/access/purpose.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bronpoort::access {

using PurposeList = std::shared_ptr<const std::vector<Purpose>>;

// A grant as decisions use it: with the fields it can release now, precomputed as the grant's
// fields within the purpose's current coverage (the register may have narrowed the purpose since
// the grant was made, and a grant never releases more than its purpose covers).
struct GrantEntry {
  const Grant* grant;
  std::vector<std::string> fields;  // sorted
};

class PolicySnapshot {
 public:
  // Revoked grants are left out; expired ones stay in and are checked against the decision's
  // clock, so expiry takes effect without a rebuild.
  PolicySnapshot(PurposeList purposes, std::vector<Grant> grants);
  // The indexes point into the snapshot itself.
  PolicySnapshot(const PolicySnapshot&) = delete;
  PolicySnapshot& operator=(const PolicySnapshot&) = delete;

  const Purpose* purpose(std::string_view id) const;
  const std::vector<Purpose>& purposes() const { return *purposes_; }
  const PurposeList& purpose_list() const { return purposes_; }

  // Unrevoked grants for this exact (organisation, role, purpose, dataset, resource), or nullptr.
  const std::vector<GrantEntry>* grants_for(std::string_view organisation, std::string_view role,
                                            std::string_view purpose, std::string_view dataset,
                                            std::string_view resource) const;
  std::size_t grant_count() const { return grants_.size(); }

 private:
  PurposeList purposes_;
  std::vector<Grant> grants_;
  std::unordered_map<std::string_view, const Purpose*> purpose_index_;
  std::unordered_map<std::string, std::vector<GrantEntry>> grant_index_;
};

// Holds the current snapshot; readers get a reference-counted pointer that stays valid while they
// decide, even when a writer swaps in a new snapshot meanwhile.
class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const PolicySnapshot> initial)
      : current_(std::move(initial)) {}
  std::shared_ptr<const PolicySnapshot> current() const { return current_.load(); }
  void replace(std::shared_ptr<const PolicySnapshot> next) { current_.store(std::move(next)); }

 private:
  std::atomic<std::shared_ptr<const PolicySnapshot>> current_;
};

}  // namespace bronpoort::access
