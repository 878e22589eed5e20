#pragma once
// Tokens whose signature, issuer and audience this stage already verified. Clients send the same
// token with many requests, and the signature check is most of a request's authentication cost
// (EdDSA ~90 µs of CPU). A hit is an exact byte-for-byte match of the whole token, so an altered
// token never hits; what can change between requests — the time claims and the client
// certificate it must be bound to — is still checked on every request by the stage. Refusals are
// never cached. One cache belongs to one stage, i.e. to one loaded identity config: a reload (new
// keys, issuers or audience) starts empty.

#include <bronpoort/authenticate/token_verifier.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bronpoort::authenticate {

class VerifiedTokenCache {
 public:
  explicit VerifiedTokenCache(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const VerifiedToken> find(std::string_view token) const;
  // Remembers a verified token; when the cache is full it starts over, which bounds memory at
  // `capacity` tokens without bookkeeping on the hit path.
  std::shared_ptr<const VerifiedToken> insert(std::string_view token, VerifiedToken verified);

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const VerifiedToken>> entries_;
};

}  // namespace bronpoort::authenticate
