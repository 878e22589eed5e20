#include <bronpoort/core/trace_context.hpp>

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>

namespace bronpoort {
namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool all_zero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

// Bumped in a forked child, so that it never hands out the bytes its parent also holds.
std::atomic<unsigned> fork_generation{0};

// Ids take their bytes from a per-thread block drawn from OpenSSL's CSPRNG, 4 KiB at a time:
// every RAND_bytes call asks the kernel for the process id (fork detection), which was three
// system calls per request. Each byte is handed out once; the block is drawn anew after a fork.
void random_id_bytes(unsigned char* out, std::size_t n) {
  struct Block {
    std::array<unsigned char, 4096> bytes{};
    std::size_t used = sizeof bytes;
    unsigned generation = 0;
  };
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
    return true;
  }();
  (void)registered;
  thread_local Block block;
  const unsigned generation = fork_generation.load(std::memory_order_relaxed);
  if (block.used + n > block.bytes.size() || block.generation != generation) {
    // RAND_bytes only fails when the CSPRNG cannot be seeded; retrying keeps ids unpredictable.
    while (RAND_bytes(block.bytes.data(), static_cast<int>(block.bytes.size())) != 1) {
    }
    block.used = 0;
    block.generation = generation;
  }
  std::memcpy(out, block.bytes.data() + block.used, n);
  std::memset(block.bytes.data() + block.used, 0, n);
  block.used += n;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<unsigned char, 16> buf{};
  std::string out;
  // An all-zero id is invalid in Trace Context, so draw again in that (vanishingly rare) case.
  do {
    random_id_bytes(buf.data(), bytes);
    out.clear();
    for (std::size_t i = 0; i < bytes; ++i) {
      out.push_back(kHex[buf[i] >> 4]);
      out.push_back(kHex[buf[i] & 0x0f]);
    }
  } while (all_zero(out));
  return out;
}

// A trace id we start ourselves: eight bytes of the current time in microseconds (big-endian),
// then eight random bytes. Ids that sort by time go to the end of the processing log's trace
// index instead of a random leaf page: with random ids that index touched one page per request
// in every commit, the largest single cost of writing the log (docs/performance.md). The eight
// random bytes on the right are what W3C Trace Context Level 2 asks of a "random" trace id, so
// ids stay unguessable; a caller's own traceparent is continued unchanged.
std::string time_ordered_trace_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  auto micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  std::string out;
  out.reserve(32);
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(micros >> shift) & 0x0f]);
  out += random_hex(8);
  return out;
}

}  // namespace

std::string TraceContext::traceparent() const {
  return "00-" + trace_id + "-" + span_id + "-" + flags;
}

std::string TraceContext::new_span_id() {
  return random_hex(8);
}

std::optional<ParsedTraceparent> parse_traceparent(std::string_view v) {
  // version "-" trace-id "-" parent-id "-" flags; future versions may append "-..." fields.
  if (v.size() < 55) return std::nullopt;
  std::string_view version = v.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  if (version == "00" && v.size() != 55) return std::nullopt;
  if (v.size() > 55 && v[55] != '-') return std::nullopt;
  if (v[2] != '-' || v[35] != '-' || v[52] != '-') return std::nullopt;
  std::string_view trace_id = v.substr(3, 32);
  std::string_view parent_id = v.substr(36, 16);
  std::string_view flags = v.substr(53, 2);
  if (!is_lower_hex(trace_id) || !is_lower_hex(parent_id) || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  if (all_zero(trace_id) || all_zero(parent_id)) return std::nullopt;
  return ParsedTraceparent{std::string(trace_id), std::string(parent_id), std::string(flags)};
}

TraceContext make_trace_context(std::optional<std::string_view> header) {
  TraceContext t;
  t.span_id = random_hex(8);
  if (header) {
    if (auto parsed = parse_traceparent(*header)) {
      t.trace_id = std::move(parsed->trace_id);
      t.parent_span_id = std::move(parsed->parent_id);
      // Only the sampled bit is defined; keep it, clear the rest as the spec asks.
      t.flags = (std::stoi(parsed->flags, nullptr, 16) & 0x01) ? "01" : "00";
      return t;
    }
  }
  t.trace_id = time_ordered_trace_id();
  return t;
}

}  // namespace bronpoort
