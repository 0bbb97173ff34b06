// File: base/byte_size.h
// Sizes in bytes as people write them on a command line ("256MiB", "1GB",
// "65536") and as messages show them ("256 MiB").
#ifndef AURORA_BASE_BYTE_SIZE_H_
#define AURORA_BASE_BYTE_SIZE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aurora {

// A whole number followed by an optional unit: B, KiB, MiB, GiB, TiB
// (powers of 1024), kB/KB, MB, GB, TB (powers of 1000); case-insensitive,
// spaces allowed before the unit. nullopt when malformed, zero, or above
// 2^62 bytes.
std::optional<int64_t> ParseByteSize(std::string_view text);

// "256 MiB", "1 GiB", "1000 bytes", "1.5 MiB": the largest binary unit,
// up to 3 significant decimals.
std::string FormatByteSize(int64_t bytes);

}  // namespace aurora

#endif  // AURORA_BASE_BYTE_SIZE_H_
