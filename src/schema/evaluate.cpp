// Walking the compiled graph: node evaluation with its limits, and the value helpers the
// keywords share (equality, number comparison).

#include <algorithm>
#include <cmath>

#include "program.hpp"
#include "uri.hpp"

namespace bronpoort::schema::detail {

std::string Path::pointer(const Path* path) {
  std::vector<const Path*> frames;
  for (const Path* p = path; p; p = p->parent) frames.push_back(p);
  std::string out;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    out += '/';
    out += (*it)->key ? escape_pointer_token(*(*it)->key) : std::to_string((*it)->index);
  }
  return out;
}

void Annotations::merge(const Annotations& other) {
  if (other.all_properties) all_properties = true;
  if (!all_properties) {
    properties.insert(properties.end(), other.properties.begin(), other.properties.end());
  }
  if (other.all_items) all_items = true;
  items = std::max(items, other.items);
  contained.insert(contained.end(), other.contained.begin(), other.contained.end());
}

void Annotations::prepare_lookup() {
  std::sort(properties.begin(), properties.end());
  std::sort(contained.begin(), contained.end());
}

bool Annotations::property_evaluated(const json* value) const {
  return all_properties || std::binary_search(properties.begin(), properties.end(), value);
}

bool Annotations::item_evaluated(std::size_t i) const {
  return all_items || i < items || std::binary_search(contained.begin(), contained.end(), i);
}

EvalContext::EvalContext(const SchemaProgram& p, std::vector<ValidationError>* e, bool first)
    : program(p), errors(e), stop_at_first(first) {}

bool EvalContext::abort(const Path* path, const std::string& location, std::string reason) {
  if (!aborted) {
    aborted = true;
    abort_error = ValidationError{Path::pointer(path), location, std::move(reason)};
  }
  return false;
}

namespace {

// Keeps the depth counter balanced on every return path.
class DepthGuard {
 public:
  explicit DepthGuard(std::size_t& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  std::size_t& depth_;
};

}  // namespace

bool evaluate_node(const Node& node, EvalContext& ctx, const json& instance, const Path* path,
                   const Scope* scope, Annotations* ann) {
  if (node.boolean) {
    if (*node.boolean) return true;
    return ctx.fail(path, node.location,
                    [] { return "no value is allowed here (the schema is `false`)"; });
  }
  if (ctx.aborted) return false;
  const CompileOptions& limits = ctx.program.options;
  if (++ctx.steps > limits.max_steps) {
    return ctx.abort(path, node.location,
                     "validation stopped: more than " + std::to_string(limits.max_steps) +
                         " schema evaluations (step limit)");
  }
  DepthGuard guard(ctx.depth);
  if (ctx.depth > limits.max_depth) {
    return ctx.abort(path, node.location,
                     "validation stopped: nesting deeper than " + std::to_string(limits.max_depth) +
                         " (depth limit; recursive schema or deeply nested instance)");
  }
  Scope inner{node.resource, scope};
  const Scope* here = (scope && scope->resource == node.resource) ? scope : &inner;
  Annotations local;
  Annotations* sink = node.collects_annotations ? &local : ann;
  bool ok = true;
  for (const auto& keyword : node.keywords) {
    if (!keyword->evaluate(ctx, instance, path, here, sink)) {
      ok = false;
      if (!ctx.keep_going()) break;
    }
  }
  if (ok && ann && sink == &local) ann->merge(local);
  return ok;
}

bool evaluate_silently(const Node& node, EvalContext& ctx, const json& instance, const Path* path,
                       const Scope* scope, Annotations* ann) {
  auto* saved = ctx.errors;
  ctx.errors = nullptr;
  bool ok = evaluate_node(node, ctx, instance, path, scope, ann);
  ctx.errors = saved;
  return ok && !ctx.aborted;
}

int compare_numbers(const json& a, const json& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.is_number_integer() && b.is_number_integer()) {
    bool au = a.is_number_unsigned(), bu = b.is_number_unsigned();
    if (au && bu) return sign(a.get<std::uint64_t>(), b.get<std::uint64_t>());
    if (!au && !bu) return sign(a.get<std::int64_t>(), b.get<std::int64_t>());
    // One is an unsigned beyond int64, or the signed one is negative.
    if (au) {
      auto s = b.get<std::int64_t>();
      return s < 0 ? 1 : sign(a.get<std::uint64_t>(), static_cast<std::uint64_t>(s));
    }
    auto s = a.get<std::int64_t>();
    return s < 0 ? -1 : sign(static_cast<std::uint64_t>(s), b.get<std::uint64_t>());
  }
  return sign(a.get<long double>(), b.get<long double>());
}

bool json_equal(const json& a, const json& b, std::size_t max_depth, bool& too_deep) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.type() != b.type()) return false;
  if (max_depth == 0) {
    too_deep = true;
    return false;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!json_equal(a[i], b[i], max_depth - 1, too_deep)) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    auto ia = a.begin();
    for (auto ib = b.begin(); ib != b.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !json_equal(ia.value(), ib.value(), max_depth - 1, too_deep)) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float: {
      double d = value.get<double>();
      return std::isfinite(d) && std::floor(d) == d ? "integer" : "number";
    }
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "unsupported";
  }
}

}  // namespace bronpoort::schema::detail
