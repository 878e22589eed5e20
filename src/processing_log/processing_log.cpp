#include <bronpoort/processing_log/processing_log.hpp>

namespace bronpoort::processing_log {

ProcessingLog::ProcessingLog(const ProcessingLogConfig& config, std::shared_ptr<LogStore> store)
    : config_(config),
      store_(std::move(store)),
      pseudonymiser_(config.pseudonym_key, config.pseudonym_key_id),
      writer_(std::make_unique<GroupCommitWriter>(store_, config.signer, config.writer)) {}

std::shared_ptr<ProcessingLog> ProcessingLog::start(const ProcessingLogConfig& config) {
  return start(config, std::shared_ptr<LogStore>(open_store(config.store)));
}

std::shared_ptr<ProcessingLog> ProcessingLog::start(const ProcessingLogConfig& config,
                                                    std::shared_ptr<LogStore> store) {
  return std::make_shared<ProcessingLog>(config, std::move(store));
}

void ProcessingLog::append_audit_event(const RequestContext& ctx, const AuditEvent& event,
                                       AppendCallback done) {
  writer_->append({audit_event_record(ctx, event)}, config_.commit_timeout, std::move(done));
}

}  // namespace bronpoort::processing_log
