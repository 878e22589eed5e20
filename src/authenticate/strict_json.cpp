#include "strict_json.hpp"

#include <set>
#include <vector>

namespace bronpoort::authenticate {

StrictJsonResult parse_strict_json(std::string_view text, int max_depth) {
  using nlohmann::json;
  // One set of seen names per open object; arrays do not push, they hold no names.
  std::vector<std::set<std::string, std::less<>>> open_objects;
  bool duplicate = false;
  bool too_deep = false;
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > max_depth) too_deep = true;
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get_ref<const std::string&>()).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };

  StrictJsonResult result;
  result.value = json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
  if (result.value.is_discarded()) {
    result.error = "is not valid JSON (syntax error or invalid UTF-8)";
  } else if (duplicate) {
    result.error = "has a member name that occurs twice in one object";
  } else if (too_deep) {
    result.error = "is nested deeper than " + std::to_string(max_depth) + " levels";
  }
  if (!result.ok()) result.value = json(json::value_t::discarded);
  return result;
}

}  // namespace bronpoort::authenticate
