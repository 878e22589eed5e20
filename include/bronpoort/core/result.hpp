#pragma once
// The one error rule on the data path (after Envoy's): refusals and failures are values, never
// exceptions. A function that can refuse returns Result<T> (a T, or the Problem the caller is
// answered with); a loader returns Result<T, ConfigErrors>. Exceptions thrown by a library
// (libpqxx, SQLite, nlohmann::json, OpenSSL) are caught at the one adapter that calls that library
// and turned into such a value there. Work that completes on another thread (a connector's answer,
// the log writer's commit, the blocking pool) runs under complete_guarded (core/stage.hpp), so a
// throw that slips through anyway becomes a 500 problem for its request instead of ending the
// process.
//
// Result derives from std::variant, so std::get_if / std::holds_alternative / std::visit keep
// working where a caller wants them; ok(), value() and error() read better.

#include <bronpoort/core/config_error.hpp>
#include <bronpoort/core/problem.hpp>

#include <utility>
#include <variant>

namespace bronpoort {

template <class T, class E = Problem>
class Result : public std::variant<T, E> {
  static_assert(!std::is_same_v<T, E>, "a Result's value and error types must differ");

 public:
  using std::variant<T, E>::variant;
  using value_type = T;
  using error_type = E;

  bool ok() const { return this->index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(*this); }
  const T& value() const& { return std::get<0>(*this); }
  T&& value() && { return std::get<0>(std::move(*this)); }

  E& error() & { return std::get<1>(*this); }
  const E& error() const& { return std::get<1>(*this); }
  E&& error() && { return std::get<1>(std::move(*this)); }
};

}  // namespace bronpoort
