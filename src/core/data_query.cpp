#include <bronpoort/core/data_query.hpp>

namespace bronpoort {

const char* filter_op_name(FilterOp op) {
  switch (op) {
    case FilterOp::Eq:
      return "eq";
    case FilterOp::Gt:
      return "gt";
    case FilterOp::Gte:
      return "gte";
    case FilterOp::Lt:
      return "lt";
    case FilterOp::Lte:
      return "lte";
    case FilterOp::StartsWith:
      return "startsWith";
    case FilterOp::In:
      return "in";
  }
  return "eq";
}

}  // namespace bronpoort
