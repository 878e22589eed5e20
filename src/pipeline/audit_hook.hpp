#pragma once
// Grant and access-request changes become audit records in the processing log, durable before
// the change is applied.

#include <bronpoort/access/access_service.hpp>
#include <bronpoort/processing_log/processing_log.hpp>

#include <memory>

namespace bronpoort::pipeline {

access::AuditHook audit_to_log(std::shared_ptr<processing_log::ProcessingLog> log);

}  // namespace bronpoort::pipeline
