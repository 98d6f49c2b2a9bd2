// SPDX-License-Identifier: MIT
// signal_bytes.h — width-agnostic access to Verilator port values (CData/SData/IData/QData and
// VlWide<N>): as little-endian bytes, or as a uint64_t. Does not know about any particular port.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "verilated.h"

namespace dmacosim::sig {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "signal_bytes.h copies Verilator storage as little-endian bytes");

template <typename T>
struct IsWide : std::false_type {};
template <std::size_t N>
struct IsWide<VlWide<N>> : std::true_type {};

// Port members of a verilated model are references; strip them to the storage type.
template <typename T>
using Storage = std::remove_cv_t<std::remove_reference_t<T>>;

// Bytes of storage behind a signal (not its declared width).
template <typename T>
constexpr std::size_t StorageBytes() {
  return sizeof(Storage<T>);
}

// Copy the low `n` bytes of a signal into `dst` (byte 0 = bits 7:0).
template <typename T>
inline void ToBytes(const T& signal, uint8_t* dst, std::size_t n) {
  static_assert(IsWide<T>::value || std::is_unsigned_v<T>, "not a Verilator signal type");
  if constexpr (IsWide<T>::value) {
    std::memcpy(dst, signal.data(), n);
  } else {
    std::memcpy(dst, &signal, n);
  }
}

// Set a signal from `n` little-endian bytes; bytes above `n` become 0.
template <typename T>
inline void FromBytes(T& signal, const uint8_t* src, std::size_t n) {
  static_assert(IsWide<T>::value || std::is_unsigned_v<T>, "not a Verilator signal type");
  if constexpr (IsWide<T>::value) {
    std::memset(signal.data(), 0, sizeof(T));
    std::memcpy(signal.data(), src, n);
  } else {
    T value = 0;
    std::memcpy(&value, src, n);
    signal = value;
  }
}

// A signal of up to 64 bits as an integer (wide signals: their low 64 bits).
template <typename T>
inline uint64_t ToU64(const T& signal) {
  if constexpr (IsWide<T>::value) {
    static_assert(sizeof(T) >= sizeof(uint64_t));
    return (static_cast<uint64_t>(signal.at(1)) << 32) | signal.at(0);
  } else {
    static_assert(std::is_unsigned_v<T>, "not a Verilator signal type");
    return static_cast<uint64_t>(signal);
  }
}

// Set a signal of up to 64 bits (wide signals: low 64 bits, rest 0). The caller masks `value`
// to the port's declared width (Verilator expects the unused storage bits to be 0).
template <typename T>
inline void SetU64(T& signal, uint64_t value) {
  if constexpr (IsWide<T>::value) {
    static_assert(sizeof(T) >= sizeof(uint64_t));
    std::memset(signal.data(), 0, sizeof(T));
    signal.at(0) = static_cast<uint32_t>(value);
    signal.at(1) = static_cast<uint32_t>(value >> 32);
  } else {
    static_assert(std::is_unsigned_v<T>, "not a Verilator signal type");
    signal = static_cast<T>(value);
  }
}

}  // namespace dmacosim::sig
