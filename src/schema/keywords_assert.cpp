// Assertion keywords: they look at the instance itself and never at subschemas.

#include <algorithm>
#include <cmath>
#include <functional>

#include "keywords.hpp"

namespace bronpoort::schema::detail {

#define BRONPOORT_EVALUATE(K)                                                                \
  bool K::evaluate([[maybe_unused]] EvalContext& ctx, [[maybe_unused]] const json& instance, \
                   [[maybe_unused]] const Path* path, [[maybe_unused]] const Scope* scope,   \
                   [[maybe_unused]] Annotations* ann) const

namespace {

std::uint8_t type_bits(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return kTypeNull;
    case json::value_t::boolean:
      return kTypeBoolean;
    case json::value_t::object:
      return kTypeObject;
    case json::value_t::array:
      return kTypeArray;
    case json::value_t::string:
      return kTypeString;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return kTypeNumber | kTypeInteger;
    case json::value_t::number_float: {
      double d = v.get<double>();
      return std::isfinite(d) && std::floor(d) == d ? (kTypeNumber | kTypeInteger) : kTypeNumber;
    }
    default:
      return 0;
  }
}

std::string mask_names(std::uint8_t mask) {
  static const char* kNames[] = {"null",   "boolean", "object", "array",
                                 "number", "string",  "integer"};
  std::string out;
  for (int i = 0; i < 7; ++i) {
    if (mask & (1 << i)) out += (out.empty() ? "" : " or ") + std::string(kNames[i]);
  }
  return out;
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string short_value(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// Hash consistent with json_equal: numbers hash by value, so 1 and 1.0 collide as they must.
std::size_t value_hash(const json& v, std::size_t depth) {
  if (depth == 0) return 0;
  switch (v.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return std::hash<long double>{}(v.get<long double>());
    case json::value_t::string:
      return std::hash<std::string>{}(v.get_ref<const std::string&>());
    case json::value_t::array: {
      std::size_t h = 0x9e37;
      for (const auto& e : v) h = h * 31 + value_hash(e, depth - 1);
      return h;
    }
    case json::value_t::object: {
      std::size_t h = 0x51ed;
      for (auto it = v.begin(); it != v.end(); ++it) {
        h = h * 31 + std::hash<std::string>{}(it.key()) + value_hash(it.value(), depth - 1);
      }
      return h;
    }
    default:
      return static_cast<std::size_t>(v.type()) * 7 + (v.is_boolean() && v.get<bool>());
  }
}

}  // namespace

BRONPOORT_EVALUATE(TypeKeyword) {
  if (type_bits(instance) & mask) return true;
  return ctx.fail(path, location_,
                  [&] { return "expected " + mask_names(mask) + ", got " + type_name(instance); });
}

BRONPOORT_EVALUATE(EnumKeyword) {
  const std::size_t max_depth = ctx.program.options.max_depth;
  bool too_deep = false;
  if (is_const) {
    if (json_equal(instance, values, max_depth, too_deep)) return true;
  } else {
    for (const auto& v : values) {
      if (json_equal(instance, v, max_depth, too_deep)) return true;
    }
  }
  if (too_deep) return ctx.abort(path, location_, "value nests too deeply to compare");
  return ctx.fail(path, location_, [&] {
    return is_const ? "value must be " + short_value(values)
                    : "value must be one of " + short_value(values);
  });
}

BRONPOORT_EVALUATE(NumberBoundKeyword) {
  if (!instance.is_number()) return true;
  int c = compare_numbers(instance, limit);
  bool ok = false;
  const char* relation = "";
  switch (kind) {
    case Kind::kMinimum:
      ok = c >= 0, relation = ">=";
      break;
    case Kind::kMaximum:
      ok = c <= 0, relation = "<=";
      break;
    case Kind::kExclusiveMinimum:
      ok = c > 0, relation = ">";
      break;
    case Kind::kExclusiveMaximum:
      ok = c < 0, relation = "<";
      break;
  }
  if (ok) return true;
  return ctx.fail(path, location_, [&] {
    return "value " + short_value(instance) + " must be " + relation + " " + short_value(limit);
  });
}

BRONPOORT_EVALUATE(MultipleOfKeyword) {
  if (!instance.is_number()) return true;
  bool ok;
  if (instance.is_number_integer() && divisor.is_number_integer()) {
    if (instance.is_number_unsigned() || divisor.is_number_unsigned()) {
      std::uint64_t a = instance.get<std::uint64_t>();
      if (!instance.is_number_unsigned() && instance.get<std::int64_t>() < 0) {
        a = std::uint64_t{0} - static_cast<std::uint64_t>(instance.get<std::int64_t>());
      }
      ok = a % divisor.get<std::uint64_t>() == 0;
    } else {
      ok = instance.get<std::int64_t>() % divisor.get<std::int64_t>() == 0;
    }
  } else {
    // Double quotient as in ECMAScript validators (an overflowing quotient is "not a multiple");
    // decimal divisors such as 0.01 are inexact in binary, so allow rounding error.
    double q = instance.get<double>() / divisor.get<double>();
    ok = std::isfinite(q) && std::fabs(q - std::round(q)) <= 1e-9 * std::max(1.0, std::fabs(q));
  }
  if (ok) return true;
  return ctx.fail(path, location_, [&] {
    return "value " + short_value(instance) + " is not a multiple of " + short_value(divisor);
  });
}

BRONPOORT_EVALUATE(SizeKeyword) {
  std::uint64_t size;
  const char* unit;
  switch (target) {
    case Target::kString:
      if (!instance.is_string()) return true;
      // Code points never outnumber bytes: a short-enough byte length settles maxLength.
      if (is_max && instance.get_ref<const std::string&>().size() <= limit) return true;
      size = code_points(instance.get_ref<const std::string&>());
      unit = "characters";
      break;
    case Target::kArray:
      if (!instance.is_array()) return true;
      size = instance.size();
      unit = "items";
      break;
    default:
      if (!instance.is_object()) return true;
      size = instance.size();
      unit = "properties";
      break;
  }
  if (is_max ? size <= limit : size >= limit) return true;
  return ctx.fail(path, location_, [&] {
    return std::string(is_max ? "at most " : "at least ") + std::to_string(limit) + " " + unit +
           " allowed, got " + std::to_string(size);
  });
}

BRONPOORT_EVALUATE(PatternKeyword) {
  if (!instance.is_string()) return true;
  switch (
      regex->search(instance.get_ref<const std::string&>(), ctx.program.options.max_regex_steps)) {
    case RegexOutcome::kMatch:
      return true;
    case RegexOutcome::kStepLimit:
      return ctx.abort(path, location_,
                       "pattern /" + regex->source() + "/ exceeded its step limit");
    case RegexOutcome::kNoMatch:
      break;
  }
  return ctx.fail(path, location_,
                  [&] { return "string does not match pattern /" + regex->source() + "/"; });
}

BRONPOORT_EVALUATE(FormatKeyword) {
  if (!instance.is_string() || check(instance.get_ref<const std::string&>())) return true;
  return ctx.fail(path, location_,
                  [&] { return "string " + short_value(instance) + " is not a valid " + name; });
}

BRONPOORT_EVALUATE(UniqueItemsKeyword) {
  if (!instance.is_array() || instance.size() < 2) return true;
  const std::size_t n = instance.size();
  const std::size_t max_depth = ctx.program.options.max_depth;
  ctx.steps += n;
  // Sort item indexes by a value hash and compare only neighbours with equal hashes:
  // O(n log n) instead of O(n^2) for large hostile arrays.
  std::vector<std::pair<std::size_t, std::size_t>> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = {value_hash(instance[i], max_depth), i};
  std::sort(order.begin(), order.end());
  bool too_deep = false;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n && order[j].first == order[i].first; ++j) {
      if (++ctx.steps > ctx.program.options.max_steps) {
        return ctx.abort(path, location_, "uniqueItems exceeded the step limit");
      }
      if (json_equal(instance[order[i].second], instance[order[j].second], max_depth, too_deep)) {
        auto a = std::min(order[i].second, order[j].second);
        auto b = std::max(order[i].second, order[j].second);
        return ctx.fail(path, location_, [&] {
          return "items " + std::to_string(a) + " and " + std::to_string(b) + " are equal";
        });
      }
    }
  }
  if (too_deep) return ctx.abort(path, location_, "items nest too deeply to compare");
  return true;
}

BRONPOORT_EVALUATE(RequiredKeyword) {
  if (!instance.is_object()) return true;
  bool ok = true;
  for (const auto& name : names) {
    if (instance.find(name) == instance.end()) {
      ok = ctx.fail(path, location_, [&] { return "required property '" + name + "' is missing"; });
      if (!ctx.keep_going()) return false;
    }
  }
  return ok;
}

BRONPOORT_EVALUATE(DependentRequiredKeyword) {
  if (!instance.is_object()) return true;
  bool ok = true;
  for (const auto& dependency : dependencies) {
    const std::string& trigger = dependency.first;  // named, not bound: lambdas capture it
    if (instance.find(trigger) == instance.end()) continue;
    for (const auto& name : dependency.second) {
      if (instance.find(name) != instance.end()) continue;
      ok = ctx.fail(path, location_, [&] {
        return "property '" + name + "' is required when '" + trigger + "' is present";
      });
      if (!ctx.keep_going()) return false;
    }
  }
  return ok;
}

}  // namespace bronpoort::schema::detail
