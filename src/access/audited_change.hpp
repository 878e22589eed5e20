#pragma once
// The audit records of one change to access requests or grants, written before the change is
// applied. A change without its durable record must not take effect, so the order is: records
// first (each durable before the next), then the store. A crash between the two leaves a record of
// a change that did not happen, never a change without a record; when the change is refused or
// fails after its records were written, a follow-up `access-change.not-applied` record says so
// (docs/access.md, "Audit before change").

#include <bronpoort/access/access_service.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bronpoort::access {

inline constexpr const char* kNotAppliedEvent = "access-change.not-applied";

class AuditedChange {
 public:
  // `hook` may be empty (then nothing is written and write() succeeds); it must outlive this.
  AuditedChange(const AuditHook& hook, const Identity& actor, std::string trace_id, TimePoint at);

  // Adds one record, in the order the records are to be written.
  void add(const char* type, std::string object_id, nlohmann::json details);
  // Writes the records in order, each durable before the next. False when one is not: the caller
  // must not apply the change. Records already durable are then followed by a not-applied record
  // (best effort: the log has just failed).
  bool write();
  // The records were written but the change could not be applied (the store failed, or another
  // instance changed the object first): writes a not-applied record, best effort.
  void not_applied(const std::string& reason);

 private:
  AuditOutcome write_one(AuditEvent e) const;

  const AuditHook& hook_;
  Identity actor_;
  std::string trace_id_;
  TimePoint at_;
  std::vector<AuditEvent> records_;
  std::size_t durable_ = 0;  // how many of records_ are durable
};

// 503 for a change refused because its audit record could not be made durable.
Problem audit_unavailable();

}  // namespace bronpoort::access
