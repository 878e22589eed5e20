#include <bronpoort/pipeline/router.hpp>

#include <algorithm>

namespace bronpoort::pipeline {
namespace {

bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

std::optional<std::vector<std::string>> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> out;
  if (path == "/") return out;
  std::size_t pos = 1;
  while (true) {
    auto next = path.find('/', pos);
    std::string_view seg = path.substr(pos, next == std::string_view::npos ? next : next - pos);
    if (seg.empty() || seg == "." || seg == "..") return std::nullopt;
    out.emplace_back(seg);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

std::optional<std::string> RouteTable::add(EndpointRoute route) {
  auto segments = split_path(route.path_template);
  if (!segments) return "malformed path template " + route.path_template;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method && templates_[i] == *segments) {
      return "duplicate route " + route.method + " " + route.path_template;
    }
  }
  routes_.push_back(std::move(route));
  templates_.push_back(std::move(*segments));
  return std::nullopt;
}

RouteTable::Match RouteTable::find(std::string_view method,
                                   const std::vector<std::string>& segments) const {
  Match best;
  int best_literals = -1;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& tpl = templates_[i];
    if (tpl.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t s = 0; s < tpl.size() && ok; ++s) {
      if (is_param(tpl[s])) {
        params[tpl[s].substr(1, tpl[s].size() - 2)] = segments[s];
      } else if (tpl[s] == segments[s]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (routes_[i].method != method) {
      if (std::find(best.allowed_methods.begin(), best.allowed_methods.end(), routes_[i].method) ==
          best.allowed_methods.end()) {
        best.allowed_methods.push_back(routes_[i].method);
      }
      continue;
    }
    // The most specific template wins: /v1/access-requests/{id}/approve over .../{id}/{action}.
    if (literals > best_literals) {
      best_literals = literals;
      best.route = &routes_[i];
      best.params = std::move(params);
    }
  }
  return best;
}

}  // namespace bronpoort::pipeline
