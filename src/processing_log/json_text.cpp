#include "json_text.hpp"

namespace bronpoort::processing_log::json_text {

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_string(std::string& out, const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += dump(s);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

void append_list(std::string& out, const std::vector<std::string>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ',';
    append_string(out, list[i]);
  }
  out += ']';
}

void append_json(std::string& out, const nlohmann::json& value) {
  if (value.is_string()) {
    append_string(out, value.get_ref<const std::string&>());
  } else if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ',';
      first = false;
      append_string(out, key);
      out += ':';
      append_json(out, member);
    }
    out += '}';
  } else {
    out += dump(value);
  }
}

}  // namespace bronpoort::processing_log::json_text
