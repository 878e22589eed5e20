#include "audited_change.hpp"

namespace bronpoort::access {

AuditedChange::AuditedChange(const AuditHook& hook, const Identity& actor, std::string trace_id,
                             TimePoint at)
    : hook_(hook), actor_(actor), trace_id_(std::move(trace_id)), at_(at) {}

void AuditedChange::add(const char* type, std::string object_id, nlohmann::json details) {
  AuditEvent e;
  e.type = type;
  e.at = at_;
  e.actor_subject = actor_.subject;
  e.actor_organisation = actor_.organisation;
  e.trace_id = trace_id_;
  e.object_id = std::move(object_id);
  e.details = std::move(details);
  records_.push_back(std::move(e));
}

AuditOutcome AuditedChange::write_one(AuditEvent e) const {
  if (!hook_) return AuditOutcome::Durable;
  // The hook is the adapter to the log and promises not to throw; a throw is still no record.
  try {
    return hook_(e);
  } catch (const std::exception&) {
    return AuditOutcome::Failed;
  }
}

bool AuditedChange::write() {
  for (; durable_ < records_.size(); ++durable_) {
    if (write_one(records_[durable_]) != AuditOutcome::Durable) {
      if (durable_ > 0) not_applied("audit-unavailable");
      return false;
    }
  }
  return true;
}

void AuditedChange::not_applied(const std::string& reason) {
  if (durable_ == 0) return;  // nothing was claimed, so nothing needs correcting
  // The first record's details name the object (its purpose, dataset and fields), so the
  // correction is found by the same queries as the claim it corrects.
  const AuditEvent& first = records_.front();
  AuditEvent e = first;
  e.type = kNotAppliedEvent;
  if (!e.details.is_object()) e.details = nlohmann::json::object();
  auto claimed = nlohmann::json::array();
  for (std::size_t i = 0; i < durable_; ++i) {
    claimed.push_back({{"event", records_[i].type}, {"objectId", records_[i].object_id}});
  }
  e.details["notApplied"] = {{"records", std::move(claimed)}, {"reason", reason}};
  (void)write_one(std::move(e));
}

Problem audit_unavailable() {
  return make_problem(503, "audit-unavailable",
                      "The change was not made: its audit record could not be written to the "
                      "processing log. Nothing changed; try again when the log is available.");
}

}  // namespace bronpoort::access
