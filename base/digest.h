// File: base/digest.h
// SHA-256 and HMAC-SHA256 (OpenSSL libcrypto) as lower-case hex.
#ifndef AURORA_BASE_DIGEST_H_
#define AURORA_BASE_DIGEST_H_

#include <string>
#include <string_view>

namespace aurora {

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace aurora

#endif  // AURORA_BASE_DIGEST_H_
