// SPDX-License-Identifier: MIT
// errors.h — the harness's exceptions: each carries a wire error code (protocol.h).
// Thrown anywhere below the request boundary, caught only there (ops.cpp) and turned into a reply.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "protocol.h"

namespace dmacosim {

class CosimError : public std::runtime_error {
 public:
  CosimError(proto::ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  proto::ErrorCode code() const { return code_; }

 private:
  proto::ErrorCode code_;
};

// One class per wire code, so that code can throw (and a test can catch) the precise kind.
template <proto::ErrorCode kCode>
class CodedError : public CosimError {
 public:
  explicit CodedError(const std::string& message) : CosimError(kCode, message) {}
};

using BadRequest = CodedError<proto::ErrorCode::kBadRequest>;
using UnknownOp = CodedError<proto::ErrorCode::kUnknownOp>;
using BadAddress = CodedError<proto::ErrorCode::kBadAddress>;
using TooLarge = CodedError<proto::ErrorCode::kTooLarge>;
using BusError = CodedError<proto::ErrorCode::kBusError>;
using SimError = CodedError<proto::ErrorCode::kSimError>;
using Timeout = CodedError<proto::ErrorCode::kTimeout>;
using DramCapError = CodedError<proto::ErrorCode::kDramCap>;

// A protocol checker finding: on which port, which rule, when, and on which transaction:
// "AXI protocol violation on the dma port [WLAST] at cycle N: …" (no "on the … port" when `port`
// is empty).
class ProtocolViolation : public SimError {
 public:
  ProtocolViolation(const std::string& port, const std::string& rule, uint64_t cycle,
                    const std::string& transaction)
      : SimError("AXI protocol violation" + (port.empty() ? std::string() : " on the " + port) +
                 " [" + rule + "] at cycle " + std::to_string(cycle) + ": " + transaction),
        port_(port),
        rule_(rule),
        cycle_(cycle) {}
  const std::string& port() const { return port_; }
  const std::string& rule() const { return rule_; }
  uint64_t cycle() const { return cycle_; }

 private:
  std::string port_;
  std::string rule_;
  uint64_t cycle_;
};

}  // namespace dmacosim
