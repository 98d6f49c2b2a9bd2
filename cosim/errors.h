// SPDX-License-Identifier: Apache-2.0
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

#define DMACOSIM_ERROR_CLASS(Name, Code)                                                   \
  class Name : public CosimError {                                                         \
   public:                                                                                 \
    explicit Name(const std::string& message) : CosimError(proto::ErrorCode::Code, message) {} \
  };

DMACOSIM_ERROR_CLASS(BadRequest, kBadRequest)
DMACOSIM_ERROR_CLASS(UnknownOp, kUnknownOp)
DMACOSIM_ERROR_CLASS(BadAddress, kBadAddress)
DMACOSIM_ERROR_CLASS(TooLarge, kTooLarge)
DMACOSIM_ERROR_CLASS(BusError, kBusError)
DMACOSIM_ERROR_CLASS(SimError, kSimError)
DMACOSIM_ERROR_CLASS(Timeout, kTimeout)

#undef DMACOSIM_ERROR_CLASS

// A protocol checker finding: which rule, when, and on which transaction.
class ProtocolViolation : public SimError {
 public:
  ProtocolViolation(const std::string& rule, uint64_t cycle, const std::string& transaction)
      : SimError("AXI protocol violation [" + rule + "] at cycle " + std::to_string(cycle) +
                 ": " + transaction),
        rule_(rule),
        cycle_(cycle) {}
  const std::string& rule() const { return rule_; }
  uint64_t cycle() const { return cycle_; }

 private:
  std::string rule_;
  uint64_t cycle_;
};

}  // namespace dmacosim
