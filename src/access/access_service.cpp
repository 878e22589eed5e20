#include <bronpoort/access/access_service.hpp>

#include <algorithm>

namespace bronpoort::access {

bool is_citizen(const Identity& identity) {
  return identity.bsn.has_value() || identity.has_role(common::roles::kDataSubject);
}

AccessService::AccessService(std::shared_ptr<AccessStore> store, PurposeList purposes,
                             AccessServiceOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      policy_(std::make_shared<PolicyHolder>(
          std::make_shared<const PolicySnapshot>(purposes, std::vector<Grant>{}))),
      purposes_(std::move(purposes)) {}

std::shared_ptr<AccessService> AccessService::open(std::shared_ptr<AccessStore> store,
                                                   PurposeList purposes,
                                                   AccessServiceOptions options) {
  auto service =
      std::make_shared<AccessService>(std::move(store), std::move(purposes), std::move(options));
  service->store_->migrate();
  service->refresh();
  return service;
}

TimePoint AccessService::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

void AccessService::reload_purposes(PurposeList purposes) {
  std::unique_lock lock(state_mutex_);
  purposes_ = std::move(purposes);
  rebuild_locked();
}

void AccessService::refresh() {
  std::lock_guard write(write_mutex_);
  refresh_locked();
}

void AccessService::refresh_locked() {
  auto requests = store_->load_requests();
  auto grants = store_->load_grants();
  std::unique_lock lock(state_mutex_);
  requests_ = std::move(requests);
  grants_ = std::move(grants);
  rebuild_locked();
}

void AccessService::rebuild_locked() {
  policy_->replace(std::make_shared<const PolicySnapshot>(purposes_, grants_));
}

bool AccessService::may_see(const Identity& caller, const std::string& organisation,
                            const std::string& owner) const {
  if (caller.organisation.empty() || is_citizen(caller)) return false;
  if (organisation == caller.organisation) return true;
  return caller.has_role(common::roles::kSourceAdmin) && owner == caller.organisation;
}

std::vector<AccessRequest> AccessService::visible_requests(
    const Identity& caller, std::optional<RequestState> state) const {
  std::shared_lock lock(state_mutex_);
  std::vector<AccessRequest> out;
  for (const auto& r : requests_) {
    if ((!state || r.state == *state) && may_see(caller, r.organisation, r.owner_organisation)) {
      out.push_back(r);
    }
  }
  return out;
}

std::optional<AccessRequest> AccessService::visible_request(const Identity& caller,
                                                            const std::string& id) const {
  std::shared_lock lock(state_mutex_);
  for (const auto& r : requests_) {
    if (r.id == id && may_see(caller, r.organisation, r.owner_organisation)) return r;
  }
  return std::nullopt;
}

std::vector<Grant> AccessService::visible_grants(const Identity& caller) const {
  std::shared_lock lock(state_mutex_);
  std::vector<Grant> out;
  for (const auto& g : grants_) {
    if (may_see(caller, g.organisation, g.owner_organisation)) out.push_back(g);
  }
  return out;
}

}  // namespace bronpoort::access
