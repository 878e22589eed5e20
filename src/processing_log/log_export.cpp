// GET /v1/processing-log/export: the same filters as the list, streamed as NDJSON one page at a
// time, so memory stays constant however large the log is.

#include "log_endpoints.hpp"
#include "log_query.hpp"

namespace bronpoort::processing_log {
namespace {

constexpr int kExportPage = 500;

std::string ndjson(const std::vector<LogRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    out += r.to_api_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

// Holds one page at most. The server calls next() off the I/O threads; a store failure throws,
// which ends the stream early so the client sees an incomplete body rather than a short "success".
class ExportStream final : public ChunkSource {
 public:
  ExportStream(std::shared_ptr<ProcessingLog> log, LogFilter filter, LogPage first)
      : log_(std::move(log)), filter_(std::move(filter)), first_(std::move(first)) {}

  std::optional<std::string> next() override {
    if (first_) {
      LogPage page = std::move(*first_);
      first_.reset();
      return emit(page);
    }
    if (!cursor_) return std::nullopt;
    LogPage page = log_->store().query(filter_, cursor_, kExportPage);
    return emit(page);
  }

 private:
  std::optional<std::string> emit(const LogPage& page) {
    cursor_ = page.next;
    if (page.records.empty()) return std::nullopt;
    return ndjson(page.records);
  }

  std::shared_ptr<ProcessingLog> log_;
  LogFilter filter_;
  std::optional<LogPage> first_;
  std::optional<LogCursor> cursor_;
};

class ExportEndpoint final : public LogEndpoint {
 public:
  using LogEndpoint::LogEndpoint;

  void handle(RequestContext& ctx, Resume done) const override {
    auto request =
        caller_log_query(ctx, log_->config().max_page_size, done,
                         "The export streams every matching record; paging does not apply.");
    if (!request) return;
    // The first page is read before answering, so a log that cannot be read gives a proper 503
    // instead of a broken stream.
    LogRead read{request->filter, {}};
    audit_read_then(
        *log_, executor_, ctx, read, std::move(done), [this, &ctx, filter = read.filter] {
          auto first = log_->store().query(filter, std::nullopt, kExportPage);
          ctx.response.status = 200;
          ctx.response.headers.set("Content-Type", "application/x-ndjson");
          ctx.response.headers.set("Content-Disposition",
                                   "attachment; filename=\"processing-log.ndjson\"");
          ctx.response.stream = std::make_shared<ExportStream>(log_, filter, std::move(first));
        });
  }
};

}  // namespace

std::shared_ptr<const Endpoint> make_export_endpoint(std::shared_ptr<ProcessingLog> log,
                                                     BlockingExecutor& executor) {
  return std::make_shared<ExportEndpoint>(std::move(log), executor);
}

}  // namespace bronpoort::processing_log
