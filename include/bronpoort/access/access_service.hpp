#pragma once
// Access requests and grants: filing, approval (by hand, by standing approval, by precedent),
// rejection and revocation.
//
// Four eyes: whoever filed a request never decides it, not even as a source admin of the holder
// and not under another organisation's token (subjects are compared, not organisations), and a
// precedent counts only within the organisation whose request was approved, unless the purpose
// opts in (`precedentAcrossOrganisations`).
//
// Fail-closed audit: every change is first written to the audit hook, and applied only once its
// records are durable; if they are not, nothing changes and the call answers 503
// `audit-unavailable`. Then the store is written, then the in-memory copy, and a new policy
// snapshot is swapped in before the call returns, so a revocation holds from the very next
// decision. A change that was audited but could not be applied is followed by a not-applied record.
//
// Blocking: file_request, approve, reject, revoke, refresh and open touch the store and wait for
// the audit hook; call them on a BlockingExecutor. The list/find reads and policy() only read
// memory.

#include <bronpoort/access/access_store.hpp>
#include <bronpoort/access/policy_snapshot.hpp>
#include <bronpoort/common/roles.hpp>
#include <bronpoort/core/identity.hpp>
#include <bronpoort/core/problem.hpp>
#include <bronpoort/core/result.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <variant>
#include <vector>

namespace bronpoort::access {

// The OIN of the organisation that holds `dataset`, or nullopt for an unknown dataset. Provided by
// the lead from the sources registry.
using DatasetOwnerFn = std::function<std::optional<std::string>(const std::string& dataset)>;

enum class AuditOutcome { Durable, Failed };
// Writes one audit record and returns once it is durable (Durable) or has failed, its own timeout
// included (Failed). It blocks, like the store, and must not throw; the service calls it, one
// record at a time, before it applies the change the record describes.
using AuditHook = std::function<AuditOutcome(const AuditEvent&)>;

struct AccessServiceOptions {
  std::chrono::days grant_validity{365};
  DatasetOwnerFn dataset_owner;
  AuditHook audit;                   // empty: changes are not audited (tests only)
  std::function<TimePoint()> clock;  // defaults to system_clock::now
};

struct NewAccessRequest {
  std::string role;
  std::string purpose_id;
  std::string dataset;
  std::string resource;
  std::vector<std::string> fields;
  std::string motivation;
};

// What a source holder approves: a reason, and optionally fewer fields than were requested and an
// earlier end than the default validity.
struct Approval {
  std::string reason;
  std::optional<std::vector<std::string>> fields;    // a non-empty subset of the requested fields
  std::optional<std::chrono::sys_days> valid_until;  // the last valid day, inclusive (UTC)
};

class AccessService {
 public:
  // Migrates the store and loads its requests and grants. Throws StoreError.
  static std::shared_ptr<AccessService> open(std::shared_ptr<AccessStore> store,
                                             PurposeList purposes, AccessServiceOptions options);

  std::shared_ptr<const PolicyHolder> policy() const { return policy_; }
  std::shared_ptr<const PolicySnapshot> snapshot() const { return policy_->current(); }
  TimePoint now() const;

  // Config reload: a new purpose register, same grants.
  void reload_purposes(PurposeList purposes);
  // Re-reads requests and grants from the store, to pick up changes other gateway instances made.
  void refresh();

  Result<AccessRequest> file_request(const Identity& caller, const NewAccessRequest& request,
                                     const std::string& trace_id);
  Result<AccessRequest> approve(const Identity& caller, const std::string& request_id,
                                const Approval& approval, const std::string& trace_id);
  // Everything that was requested, for the default validity.
  Result<AccessRequest> approve(const Identity& caller, const std::string& request_id,
                                const std::string& reason, const std::string& trace_id) {
    return approve(caller, request_id, Approval{reason, std::nullopt, std::nullopt}, trace_id);
  }
  Result<AccessRequest> reject(const Identity& caller, const std::string& request_id,
                               const std::string& reason, const std::string& trace_id);
  Result<Grant> revoke(const Identity& caller, const std::string& grant_id,
                       const std::string& trace_id);

  // What the caller may see: its own organisation's, plus, for a source admin, those on its
  // organisation's datasets.
  std::vector<AccessRequest> visible_requests(const Identity& caller,
                                              std::optional<RequestState> state) const;
  std::optional<AccessRequest> visible_request(const Identity& caller, const std::string& id) const;
  std::vector<Grant> visible_grants(const Identity& caller) const;

  AccessService(std::shared_ptr<AccessStore> store, PurposeList purposes,
                AccessServiceOptions options);

 private:
  Result<AccessRequest> decide(const Identity& caller, const std::string& request_id, bool approve,
                               const Approval& decision, const std::string& trace_id);
  std::optional<AccessRequest> find_precedent(const AccessRequest& r, const Purpose& p) const;
  Grant make_grant(const AccessRequest& r, const Purpose& p, ApprovalKind kind,
                   const std::string& precedent) const;
  void rebuild_locked();
  void refresh_locked();  // refresh() with write_mutex_ held
  bool may_see(const Identity& caller, const std::string& organisation,
               const std::string& owner) const;

  std::shared_ptr<AccessStore> store_;
  AccessServiceOptions options_;
  std::shared_ptr<PolicyHolder> policy_;
  std::mutex write_mutex_;                 // one state change at a time
  mutable std::shared_mutex state_mutex_;  // guards the members below
  PurposeList purposes_;
  std::vector<AccessRequest> requests_;
  std::vector<Grant> grants_;
};

bool is_citizen(const Identity& identity);

}  // namespace bronpoort::access
