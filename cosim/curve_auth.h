// SPDX-License-Identifier: MIT
// curve_auth.h — CURVE authentication of the ROUTER socket: the harness's keys and the client
// public keys it accepts (docs/protocol.md §1, Authentication), a ZAP handler that refuses every
// other client, and a socket monitor that counts refused handshakes.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <zmq.hpp>

#include "options.h"

namespace dmacosim {

// The harness's CURVE identity and the clients it accepts.
struct CurveKeySet {
  std::string server_secret;            // Z85, 40 characters
  std::set<std::string> client_public;  // binary, 32 bytes each
  std::string client_key_file;          // the file written for a hand-started harness, or empty
};

// True for ipc://, inproc:// and tcp:// endpoints on 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackEndpoint(const std::string& endpoint);

// The keys per --keys / --no-curve (nullopt-like: empty server_secret when CURVE is off). Without
// --keys, makes fresh key pairs and writes the client's to a 0600 file in a new 0700 directory
// (`dir` receives its path, for removal at exit). Throws std::runtime_error on a bad key file, a
// non-loopback endpoint without --keys, or --no-curve on a non-loopback endpoint.
CurveKeySet LoadCurveKeys(const Options& options, const std::string& endpoint, std::string& dir);

// Parses "name=Z85" lines (blank lines and # comments ignored): one server_secret, one or more
// client_public. Throws std::runtime_error naming `source` on anything else.
CurveKeySet ParseHarnessKeys(const std::string& text, const std::string& source);

// The ZAP handler and the handshake monitor, serviced from the server's poll loop.
class CurveGuard {
 public:
  // Binds the ZAP handler on `context` and makes `router` a CURVE server with `keys`; call before
  // the router binds.
  CurveGuard(zmq::context_t& context, zmq::socket_t& router, CurveKeySet keys);
  zmq::socket_t& zap() { return zap_; }
  zmq::socket_t& monitor() { return monitor_; }
  // Answers pending ZAP requests and counts refused handshakes seen by the monitor; never blocks.
  void Service(uint64_t& refused);

 private:
  CurveKeySet keys_;
  zmq::socket_t zap_;
  zmq::socket_t monitor_;
};

}  // namespace dmacosim
