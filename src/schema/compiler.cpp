// The public API: Compiler::compile, CompiledSchema::validate and the small value types.

#include <atomic>

#include <bronpoort/schema/validator.hpp>

#include "compiler_state.hpp"
#include "uri.hpp"

namespace bronpoort::schema {

std::string ValidationError::to_string() const {
  return (instance_location.empty() ? "/" : instance_location) + ": " + reason + " (" +
         keyword_location + ")";
}

std::string CompileError::to_string() const {
  return schema_location + ": " + reason;
}

CompileResult CompileResult::success(std::shared_ptr<const CompiledSchema> schema) {
  CompileResult r;
  r.schema_ = std::move(schema);
  return r;
}

CompileResult CompileResult::failure(std::vector<CompileError> errors) {
  CompileResult r;
  r.errors_ = std::move(errors);
  return r;
}

Compiler::Compiler(const SchemaRegistry& registry, CompileOptions options)
    : registry_(registry), options_(options) {}

CompileResult Compiler::compile(const nlohmann::json& schema, const std::string& base_uri) const {
  static std::atomic<unsigned> anonymous{0};
  auto program = std::make_shared<detail::SchemaProgram>();
  program->options = options_;
  program->base_uri = base_uri.empty() ? "urn:bronpoort:schema:" + std::to_string(++anonymous)
                                       : detail::split_fragment_base(base_uri);
  detail::CompilerState state(registry_, *program);
  try {
    auto document = std::make_shared<const nlohmann::json>(schema);
    state.index_document(document, program->base_uri);
    detail::LocationInfo root_info;
    root_info.resource_uri = program->base_uri;
    root_info.draft = options_.default_draft;
    root_info.location = program->base_uri + "#";
    program->root = state.compile_node(*document, root_info, 0);
    state.resolve_pending();
  } catch (const std::exception& e) {
    // Only allocation failure or a registry file that vanished mid-read can land here.
    state.error(program->base_uri + "#", std::string("schema compilation failed: ") + e.what());
  }
  if (!state.errors.empty()) return CompileResult::failure(std::move(state.errors));
  return CompileResult::success(std::make_shared<const CompiledSchema>(std::move(program)));
}

CompiledSchema::CompiledSchema(std::shared_ptr<const detail::SchemaProgram> program)
    : program_(std::move(program)) {}

CompiledSchema::~CompiledSchema() = default;

const std::string& CompiledSchema::base_uri() const {
  return program_->base_uri;
}

ValidationResult CompiledSchema::validate(const nlohmann::json& instance,
                                          ValidationMode mode) const {
  ValidationResult result;
  detail::EvalContext ctx(*program_, &result.errors, mode == ValidationMode::kFirstError);
  bool ok = detail::evaluate_node(*program_->root, ctx, instance, nullptr, nullptr, nullptr);
  if (ctx.aborted) {
    ok = false;
    result.errors.push_back(*ctx.abort_error);
  }
  result.valid = ok;
  result.errors_omitted = ok ? 0 : ctx.omitted;
  if (ok) result.errors.clear();
  return result;
}

bool CompiledSchema::is_valid(const nlohmann::json& instance) const {
  detail::EvalContext ctx(*program_, nullptr, true);
  bool ok = detail::evaluate_node(*program_->root, ctx, instance, nullptr, nullptr, nullptr);
  return ok && !ctx.aborted;
}

}  // namespace bronpoort::schema
