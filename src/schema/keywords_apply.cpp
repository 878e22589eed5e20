// Applicator keywords: they evaluate subschemas, at the same instance location (allOf, $ref, ...)
// or at child locations (items, properties, ...), and feed the annotations unevaluated* needs.

#include <algorithm>

#include "keywords.hpp"

namespace bronpoort::schema::detail {

#define BRONPOORT_EVALUATE(K)                                                                \
  bool K::evaluate([[maybe_unused]] EvalContext& ctx, [[maybe_unused]] const json& instance, \
                   [[maybe_unused]] const Path* path, [[maybe_unused]] const Scope* scope,   \
                   [[maybe_unused]] Annotations* ann) const

BRONPOORT_EVALUATE(SchemaListKeyword) {
  if (kind == Kind::kAllOf) {
    bool ok = true;
    for (const Node* s : schemas) {
      if (!evaluate_node(*s, ctx, instance, path, scope, ann)) {
        ok = false;
        if (!ctx.keep_going()) return false;
      }
    }
    return ok;
  }
  // anyOf / oneOf: branches are trials. Annotations of failing branches are dropped, so each
  // branch gets its own scratch set when someone downstream (unevaluated*) wants them.
  std::size_t valid = 0;
  std::size_t first_valid = 0;
  for (std::size_t i = 0; i < schemas.size(); ++i) {
    Annotations branch;
    bool ok = evaluate_silently(*schemas[i], ctx, instance, path, scope, ann ? &branch : nullptr);
    if (ctx.aborted) return false;
    if (!ok) continue;
    if (ann) ann->merge(branch);
    if (valid++ == 0) first_valid = i;
    if (kind == Kind::kAnyOf && !ann) return true;
    if (kind == Kind::kOneOf && valid > 1) {
      return ctx.fail(path, location_, [&] {
        return "value matches subschemas " + std::to_string(first_valid) + " and " +
               std::to_string(i) + " of oneOf; exactly one must match";
      });
    }
  }
  if (valid >= 1) return true;
  return ctx.fail(path, location_, [&] {
    return "value matches none of the " + std::to_string(schemas.size()) + " subschemas of " +
           (kind == Kind::kAnyOf ? "anyOf" : "oneOf");
  });
}

BRONPOORT_EVALUATE(NotKeyword) {
  if (!evaluate_silently(*schema, ctx, instance, path, scope, nullptr)) {
    return !ctx.aborted;
  }
  return ctx.fail(path, location_, [] { return "value must not match the `not` subschema"; });
}

BRONPOORT_EVALUATE(IfKeyword) {
  Annotations condition;
  bool holds =
      evaluate_silently(*if_schema, ctx, instance, path, scope, ann ? &condition : nullptr);
  if (ctx.aborted) return false;
  if (holds && ann) ann->merge(condition);
  const Node* branch = holds ? then_schema : else_schema;
  if (!branch) return true;
  return evaluate_node(*branch, ctx, instance, path, scope, ann);
}

BRONPOORT_EVALUATE(RefKeyword) {
  const Node* target_node = target;
  if (!dynamic_anchor.empty()) {
    // $dynamicRef: the outermost resource in the dynamic scope that declares the anchor wins.
    for (const Scope* s = scope; s; s = s->parent) {
      auto it = s->resource->dynamic_anchors.find(dynamic_anchor);
      if (it != s->resource->dynamic_anchors.end()) target_node = it->second;
    }
  }
  return evaluate_node(*target_node, ctx, instance, path, scope, ann);
}

BRONPOORT_EVALUATE(DependentSchemasKeyword) {
  if (!instance.is_object()) return true;
  bool ok = true;
  for (const auto& [trigger, schema] : schemas) {
    if (instance.find(trigger) == instance.end()) continue;
    if (!evaluate_node(*schema, ctx, instance, path, scope, ann)) {
      ok = false;
      if (!ctx.keep_going()) return false;
    }
  }
  return ok;
}

BRONPOORT_EVALUATE(ItemsKeyword) {
  if (!instance.is_array()) return true;
  bool ok = true;
  const std::size_t n = instance.size();
  const std::size_t prefix_n = std::min(n, prefix.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Node* s = i < prefix_n ? prefix[i] : rest;
    if (!s) break;
    Path child{path, nullptr, i};
    bool item_ok;
    if (s == rest && rest->boolean && !*rest->boolean) {
      item_ok = ctx.fail(&child, rest_location, [&] {
        return "no items allowed beyond the first " + std::to_string(prefix.size());
      });
    } else {
      item_ok = evaluate_node(*s, ctx, instance[i], &child, scope, nullptr);
    }
    if (!item_ok) {
      ok = false;
      if (!ctx.keep_going()) return false;
    }
  }
  if (ann) {
    if (rest) {
      ann->all_items = true;
    } else {
      ann->items = std::max(ann->items, prefix_n);
    }
  }
  return ok;
}

BRONPOORT_EVALUATE(ContainsKeyword) {
  if (!instance.is_array()) return true;
  std::uint64_t matches = 0;
  for (std::size_t i = 0; i < instance.size(); ++i) {
    Path child{path, nullptr, i};
    if (evaluate_silently(*schema, ctx, instance[i], &child, scope, nullptr)) {
      ++matches;
      if (ann) ann->contained.push_back(i);
      // Without annotations to collect, stop as soon as the answer is known.
      if (!ann && matches >= min && max == UINT64_MAX) return true;
    }
    if (ctx.aborted) return false;
  }
  if (matches >= min && matches <= max) return true;
  return ctx.fail(path, location_, [&] {
    if (matches < min) {
      return "array must contain at least " + std::to_string(min) + " matching item(s), found " +
             std::to_string(matches);
    }
    return "array may contain at most " + std::to_string(max) + " matching item(s), found " +
           std::to_string(matches);
  });
}

BRONPOORT_EVALUATE(MembersKeyword) {
  if (!instance.is_object()) return true;
  bool ok = true;
  auto prop = properties.begin();
  const std::size_t regex_steps = ctx.program.options.max_regex_steps;
  for (auto it = instance.begin(); it != instance.end(); ++it) {
    const std::string& key = it.key();
    Path child{path, &key, 0};
    bool matched = false;
    bool member_ok = true;
    // Both the instance map and `properties` are sorted by key: a merge join, no hashing.
    while (prop != properties.end() && prop->first < key) ++prop;
    if (prop != properties.end() && prop->first == key) {
      matched = true;
      member_ok = evaluate_node(*prop->second, ctx, it.value(), &child, scope, nullptr);
    }
    for (const auto& [regex, schema] : patterns) {
      if (!member_ok && !ctx.keep_going()) break;
      RegexOutcome found = regex->search(key, regex_steps);
      if (found == RegexOutcome::kStepLimit) {
        return ctx.abort(&child, location_,
                         "pattern /" + regex->source() + "/ exceeded its step limit");
      }
      if (found == RegexOutcome::kNoMatch) continue;
      matched = true;
      member_ok = evaluate_node(*schema, ctx, it.value(), &child, scope, nullptr) && member_ok;
    }
    if (!matched && additional && member_ok) {
      matched = true;
      if (additional->boolean && !*additional->boolean) {
        member_ok = ctx.fail(&child, additional_location, [&] {
          std::string reason = "property '" + key + "' is not allowed (additionalProperties)";
          // A short closed list is the fix the reader needs: name it.
          if (patterns.empty() && !properties.empty() && properties.size() <= 24) {
            reason += "; allowed: ";
            for (auto p = properties.begin(); p != properties.end(); ++p) {
              if (p != properties.begin()) reason += ", ";
              reason += p->first;
            }
          }
          return reason;
        });
      } else {
        member_ok = evaluate_node(*additional, ctx, it.value(), &child, scope, nullptr);
      }
    }
    if (matched && ann) ann->properties.push_back(&it.value());
    if (!member_ok) {
      ok = false;
      if (!ctx.keep_going()) return false;
    }
  }
  return ok;
}

BRONPOORT_EVALUATE(PropertyNamesKeyword) {
  if (!instance.is_object()) return true;
  bool ok = true;
  for (auto it = instance.begin(); it != instance.end(); ++it) {
    Path child{path, &it.key(), 0};
    json name = it.key();
    if (!evaluate_silently(*schema, ctx, name, &child, scope, nullptr)) {
      if (ctx.aborted) return false;
      ok = ctx.fail(&child, location_, [&] {
        return "property name '" + it.key() + "' does not match propertyNames";
      });
      if (!ctx.keep_going()) return false;
    }
  }
  return ok;
}

BRONPOORT_EVALUATE(UnevaluatedKeyword) {
  if (items ? !instance.is_array() : !instance.is_object()) return true;
  if (ann) ann->prepare_lookup();
  bool ok = true;
  // `ann` is this schema object's own annotation set: the node collects when it holds us.
  if (items) {
    for (std::size_t i = 0; i < instance.size(); ++i) {
      if (ann && ann->item_evaluated(i)) continue;
      Path child{path, nullptr, i};
      bool item_ok = schema->boolean && !*schema->boolean
                         ? ctx.fail(&child, location_,
                                    [&] {
                                      return "item " + std::to_string(i) +
                                             " is not evaluated by any "
                                             "subschema and unevaluatedItems is false";
                                    })
                         : evaluate_node(*schema, ctx, instance[i], &child, scope, nullptr);
      if (!item_ok) {
        ok = false;
        if (!ctx.keep_going()) return false;
      }
    }
    if (ann && ok) ann->all_items = true;
    return ok;
  }
  for (auto it = instance.begin(); it != instance.end(); ++it) {
    if (ann && ann->property_evaluated(&it.value())) continue;
    Path child{path, &it.key(), 0};
    bool member_ok = schema->boolean && !*schema->boolean
                         ? ctx.fail(&child, location_,
                                    [&] {
                                      return "property '" + it.key() +
                                             "' is not allowed "
                                             "(unevaluatedProperties)";
                                    })
                         : evaluate_node(*schema, ctx, it.value(), &child, scope, nullptr);
    if (!member_ok) {
      ok = false;
      if (!ctx.keep_going()) return false;
    }
  }
  if (ann && ok) ann->all_properties = true;
  return ok;
}

}  // namespace bronpoort::schema::detail
