#include <bronpoort/access/policy_snapshot.hpp>

#include <algorithm>
#include <iterator>

namespace bronpoort::access {

namespace {

// The unit separator cannot occur in OINs, role names, purpose ids or dataset/resource names.
constexpr char kSep = '\x1f';

void build_key(std::string& key, std::string_view organisation, std::string_view role,
               std::string_view purpose, std::string_view dataset, std::string_view resource) {
  key.clear();
  key.append(organisation).push_back(kSep);
  key.append(role).push_back(kSep);
  key.append(purpose).push_back(kSep);
  key.append(dataset).push_back(kSep);
  key.append(resource);
}

}  // namespace

PolicySnapshot::PolicySnapshot(PurposeList purposes, std::vector<Grant> grants)
    : purposes_(purposes ? std::move(purposes) : std::make_shared<const std::vector<Purpose>>()) {
  purpose_index_.reserve(purposes_->size());
  for (const auto& p : *purposes_) purpose_index_.emplace(p.id, &p);
  grants_.reserve(grants.size());
  for (auto& g : grants) {
    if (!g.revoked_at) grants_.push_back(std::move(g));
  }
  grant_index_.reserve(grants_.size());
  std::string key;
  for (const auto& g : grants_) {
    GrantEntry entry{&g, {}};
    if (const Purpose* p = purpose(g.purpose_id)) {
      if (const auto* covered = p->covered_fields(g.dataset, g.resource)) {
        std::set_intersection(g.fields.begin(), g.fields.end(), covered->begin(), covered->end(),
                              std::back_inserter(entry.fields));
      }
    }
    build_key(key, g.organisation, g.role, g.purpose_id, g.dataset, g.resource);
    grant_index_[key].push_back(std::move(entry));
  }
}

const Purpose* PolicySnapshot::purpose(std::string_view id) const {
  auto it = purpose_index_.find(id);
  return it == purpose_index_.end() ? nullptr : it->second;
}

const std::vector<GrantEntry>* PolicySnapshot::grants_for(std::string_view organisation,
                                                          std::string_view role,
                                                          std::string_view purpose,
                                                          std::string_view dataset,
                                                          std::string_view resource) const {
  // A per-thread key buffer: the lookup allocates nothing once the buffer has grown.
  thread_local std::string key;
  build_key(key, organisation, role, purpose, dataset, resource);
  auto it = grant_index_.find(key);
  return it == grant_index_.end() ? nullptr : &it->second;
}

}  // namespace bronpoort::access
