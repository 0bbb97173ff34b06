// File: base/digest.h
// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) as lower-case hex, from
// libsodium (vetted, no hand-written cryptography). Not OpenSSL: its 3.x
// provider set-up costs ~5 M instructions on first use, most of a short
// run's own work (bench/digest.sh, bench/prometheus/RESULTS.md).
#ifndef AURORA_BASE_DIGEST_H_
#define AURORA_BASE_DIGEST_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace aurora {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace aurora

#endif  // AURORA_BASE_DIGEST_H_
