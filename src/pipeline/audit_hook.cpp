#include "audit_hook.hpp"

#include <bronpoort/observability/logging.hpp>

#include <future>

namespace bronpoort::pipeline {

access::AuditHook audit_to_log(std::shared_ptr<processing_log::ProcessingLog> log) {
  return [log](const access::AuditEvent& e) {
    RequestContext ctx;
    ctx.trace = make_trace_context(std::nullopt);
    if (e.trace_id.size() == 32) ctx.trace.trace_id = e.trace_id;
    ctx.identity.authenticated = true;
    ctx.identity.subject = e.actor_subject;
    ctx.identity.organisation = e.actor_organisation;
    processing_log::AuditEvent event;
    event.event = e.type;
    event.details = e.details;
    event.details["objectId"] = e.object_id;
    if (e.details.is_object()) {
      event.purpose = e.details.value("purpose", "");
      event.dataset = e.details.value("dataset", "");
      if (auto f = e.details.find("fields"); f != e.details.end() && f->is_array()) {
        for (const auto& v : *f) {
          if (v.is_string()) event.fields.push_back(v.get<std::string>());
        }
      }
    }
    // The access service applies a change only once its record is durable, and calls this on
    // the blocking pool, so it waits here for the writer's answer (bounded by its commit timeout).
    auto durable = std::make_shared<std::promise<bool>>();
    auto answer = durable->get_future();
    log->append_audit_event(ctx, event, [durable](const processing_log::AppendResult& r) {
      durable->set_value(r.durable);
    });
    if (answer.get()) return access::AuditOutcome::Durable;
    observability::log_event(observability::Level::Error, "audit-record-failed",
                             {{"event", e.type}});
    return access::AuditOutcome::Failed;
  };
}

}  // namespace bronpoort::pipeline
