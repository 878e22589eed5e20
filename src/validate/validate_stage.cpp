#include <bronpoort/observability/logging.hpp>
#include <bronpoort/validate/validate_stage.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort::validate {

using schema::CompiledSchema;
using schema::ValidationMode;
namespace {

class ValidateStage final : public SyncStage {
 public:
  explicit ValidateStage(std::shared_ptr<const ResourceSchemas> schemas)
      : schemas_(std::move(schemas)) {}
  const char* name() const override { return "validate-response"; }

  Flow process(RequestContext& ctx) const override {
    if (ctx.route.kind != RouteKind::Data || !ctx.result.fetched) return Flow::Continue;
    auto it = schemas_->find(ctx.route.dataset + "/" + ctx.route.resource);
    // Resources not listed here are checked record by record by their connector.
    if (it == schemas_->end()) return Flow::Continue;
    const auto& compiled = !ctx.query.fields.empty() && it->second.projection
                               ? it->second.projection
                               : it->second.full;
    if (!compiled) return refuse(ctx, "", "no schema compiled for this resource");
    const CompiledSchema& schema = *compiled;
    const auto& body = ctx.result.body;
    if (body.is_array()) {
      for (std::size_t i = 0; i < body.size(); ++i) {
        if (!schema.is_valid(body[i]))
          return explain(ctx, schema, body[i], "/" + std::to_string(i));
      }
    } else if (!schema.is_valid(body)) {
      return explain(ctx, schema, body, "");
    }
    return Flow::Continue;
  }

 private:
  // Only on failure: find the first error for the source holder's log.
  Flow explain(RequestContext& ctx, const CompiledSchema& schema, const nlohmann::json& record,
               const std::string& index) const {
    auto result = schema.validate(record, ValidationMode::kFirstError);
    std::string where = index;
    std::string keyword;
    if (!result.errors.empty()) {
      where += result.errors.front().instance_location;
      keyword = result.errors.front().keyword_location;
    }
    return refuse(ctx, where, keyword);
  }

  Flow refuse(RequestContext& ctx, const std::string& where, const std::string& keyword) const {
    observability::log_event(observability::Level::Warn, "source-invalid-response",
                             {{"dataset", ctx.route.dataset},
                              {"resource", ctx.route.resource},
                              {"instance", where},
                              {"keyword", keyword},
                              {"traceId", ctx.trace.trace_id}});
    ctx.result = SourceResult{};
    ctx.data_subjects.clear();
    ctx.fail(make_problem(502, "source-invalid-response",
                          "The source answered with a record that does not match its published "
                          "schema; the source holder has been notified through the gateway log. "
                          "Quote the traceId when you contact them."));
    return Flow::Stop;
  }

  std::shared_ptr<const ResourceSchemas> schemas_;
};

}  // namespace

std::shared_ptr<const Stage> make_validate_stage(std::shared_ptr<const ResourceSchemas> schemas) {
  return std::make_shared<ValidateStage>(std::move(schemas));
}

}  // namespace bronpoort::validate
