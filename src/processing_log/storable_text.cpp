#include "storable_text.hpp"

#include <bronpoort/core/utf8.hpp>

namespace bronpoort::processing_log {
namespace {

constexpr std::size_t kMaxField = 512;    // ids, names, codes, OINs, purposes
constexpr std::size_t kMaxDetail = 2048;  // one string inside details (a reason, a motivation)

void storable_json(nlohmann::json& value) {
  if (value.is_string()) {
    make_valid_utf8(value.get_ref<std::string&>(), kMaxDetail);
  } else if (value.is_structured()) {
    if (value.is_object()) {
      // Keys are repaired too: an object key is caller text as much as a value. The object is
      // rebuilt only when one of them has to change.
      bool keys_fit = true;
      for (auto& [key, member] : value.items()) {
        storable_json(member);
        keys_fit = keys_fit && key.size() <= kMaxField && is_valid_utf8(key);
      }
      if (keys_fit) return;
      nlohmann::json clean = nlohmann::json::object();
      for (auto& [key, member] : value.items()) {
        clean[to_valid_utf8(key, kMaxField)] = std::move(member);
      }
      value = std::move(clean);
    } else {
      for (auto& member : value) storable_json(member);
    }
  }
}

}  // namespace

void make_storable(LogRecord& r) {
  for (std::string* field : {&r.trace_id,
                             &r.span_id,
                             &r.parent_span_id,
                             &r.name,
                             &r.status,
                             &r.processing_activity_id,
                             &r.data_subject_id,
                             &r.data_subject_id_type,
                             &r.pseudonym_key_id,
                             &r.event,
                             &r.organisation,
                             &r.role,
                             &r.user,
                             &r.purpose,
                             &r.legal_basis,
                             &r.dataset,
                             &r.resource,
                             &r.owner_organisation,
                             &r.decision,
                             &r.reason_code}) {
    make_valid_utf8(*field, kMaxField);
  }
  for (auto* list : {&r.fields_released, &r.fields_withheld}) {
    for (auto& f : *list) make_valid_utf8(f, kMaxField);
  }
  storable_json(r.details);
}

}  // namespace bronpoort::processing_log
