// Resolving $ref / $dynamicRef targets, and compiling dynamic anchors, from work lists. Working
// from a list rather than recursing keeps the C++ stack bounded by schema nesting, whatever
// chains of references a schema holds; cycles end because nodes are memoised by address.

#include "compiler_state.hpp"
#include "uri.hpp"

namespace bronpoort::schema::detail {

const json* CompilerState::locate(const std::string& uri, std::string& why) {
  auto [base, fragment] = split_fragment(uri);
  if (!ensure_document(base, why)) {
    why = "no schema document for '" + base + "'" + (why.empty() ? "" : ": " + why);
    return nullptr;
  }
  const json* target = resources_.at(base);
  if (fragment.empty()) return target;
  std::string decoded;
  if (!percent_decode(fragment, decoded)) return why = "malformed %-escape in fragment", nullptr;
  if (decoded[0] != '/') {
    auto a = anchors_.find(base + "#" + decoded);
    if (a == anchors_.end()) return why = "no anchor '" + decoded + "' in '" + base + "'", nullptr;
    return a->second;
  }
  // A JSON pointer from the resource root.
  std::size_t pos = 1;
  while (true) {
    std::size_t next = decoded.find('/', pos);
    std::string token =
        decoded.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::string unescaped;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        unescaped.push_back(token[++i] == '0' ? '~' : '/');
      } else {
        unescaped.push_back(token[i]);
      }
    }
    if (target->is_object()) {
      auto it = target->find(unescaped);
      if (it == target->end()) return why = "pointer '" + decoded + "' not found", nullptr;
      target = &*it;
    } else if (target->is_array()) {
      std::size_t index = 0;
      bool digits = !unescaped.empty() && unescaped.size() < 10;
      for (char c : unescaped) {
        digits = digits && c >= '0' && c <= '9';
        if (digits) index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (!digits || index >= target->size())
        return why = "pointer '" + decoded + "' not found", nullptr;
      target = &(*target)[index];
    } else {
      return why = "pointer '" + decoded + "' not found", nullptr;
    }
    if (next == std::string::npos) return target;
    pos = next + 1;
  }
}

void CompilerState::resolve_pending() {
  while (!pending_refs_.empty() || !pending_anchors_.empty()) {
    if (!pending_anchors_.empty()) {
      PendingAnchor job = pending_anchors_.back();
      pending_anchors_.pop_back();
      LocationInfo fallback;
      fallback.resource_uri = job.resource->uri;
      fallback.location = job.resource->uri + "#" + job.name;
      job.resource->dynamic_anchors[job.name] = compile_node(*job.value, fallback, 0);
      continue;
    }
    PendingRef job = pending_refs_.back();
    pending_refs_.pop_back();
    std::string why;
    const json* target = locate(job.uri, why);
    if (!target) {
      error(job.location, "cannot resolve reference '" + job.uri + "': " + why);
      if (!always_true_) {
        Node* n = new_node();
        n->boolean = true;
        always_true_ = n;
      }
      job.keyword->target = always_true_;
      continue;
    }
    auto [base, fragment] = split_fragment(job.uri);
    LocationInfo fallback;
    fallback.resource_uri = base;
    fallback.location = job.uri;
    if (auto root = resources_.at(base); root) {
      // Unindexed targets (inside unknown keywords) take the dialect of their resource.
      if (auto it = info_.find(root); it != info_.end()) {
        fallback.draft = it->second.draft;
        fallback.vocabularies = it->second.vocabularies;
      }
    }
    job.keyword->target = compile_node(*target, fallback, 0);
    if (job.dynamic && !fragment.empty() && fragment[0] != '/') {
      // $dynamicRef is dynamic only when its static target declares the same $dynamicAnchor.
      auto d = dynamic_anchors_.find(base);
      if (d != dynamic_anchors_.end()) {
        for (const auto& [name, value] : d->second) {
          if (name == fragment && value == target) job.keyword->dynamic_anchor = name;
        }
      }
    }
  }
}

}  // namespace bronpoort::schema::detail
