#include "base/digest.h"

#include <sodium.h>

namespace aurora {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Hex(const unsigned char* d, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[d[i] >> 4];
    out[2 * i + 1] = kDigits[d[i] & 15];
  }
  return out;
}

}  // namespace

// libsodium's hash and HMAC need no sodium_init() (that seeds its random
// generator, which nothing here uses) and no provider set-up.
Sha256Digest Sha256(std::string_view data) {
  Sha256Digest out;
  crypto_hash_sha256(out.data(), Bytes(data), data.size());
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Sha256Digest d = Sha256(data);
  return Hex(d.data(), d.size());
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  // The streaming API takes a key of any length (RFC 2104: longer than a
  // block, it is hashed first); crypto_auth_hmacsha256 alone wants 32 bytes.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(data), data.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  return Hex(mac, sizeof mac);
}

}  // namespace aurora
