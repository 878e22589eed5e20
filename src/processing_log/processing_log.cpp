#include "witness_pusher.hpp"

#include <bronpoort/processing_log/processing_log.hpp>

namespace bronpoort::processing_log {

ProcessingLog::ProcessingLog(const ProcessingLogConfig& config, std::shared_ptr<LogStore> store)
    : config_(config),
      store_(std::move(store)),
      pseudonymiser_(config.pseudonym_key, config.pseudonym_key_id),
      pusher_(config.witnesses.empty()
                  ? nullptr
                  : std::make_shared<WitnessPusher>(store_, config.witnesses)) {
  WriterOptions options = config.writer;
  if (pusher_) {
    std::weak_ptr<WitnessPusher> pusher = pusher_;
    options.on_tree_head = [pusher](const TreeHead& head) {
      if (auto p = pusher.lock()) p->push(head);
    };
  }
  writer_ = std::make_unique<GroupCommitWriter>(store_, config.signer, std::move(options));
}

ProcessingLog::~ProcessingLog() {
  // The writer first: it signs the last checkpoint, which the pusher then still delivers.
  writer_.reset();
}

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
