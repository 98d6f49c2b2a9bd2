// SPDX-License-Identifier: MIT
// curve_auth.cpp — CURVE keys, the ZAP handler and the handshake monitor.
#include "curve_auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <vector>
#include <zmq_addon.hpp>

namespace dmacosim {
namespace {

constexpr std::size_t kZ85KeyLength = 40;
constexpr std::size_t kBinaryKeyLength = 32;
constexpr const char* kMonitorEndpoint = "inproc://dmacosim-handshakes";

std::string DecodeKey(const std::string& z85, const std::string& what) {
  std::array<uint8_t, kBinaryKeyLength> binary{};
  if (z85.size() != kZ85KeyLength || zmq_z85_decode(binary.data(), z85.c_str()) == nullptr) {
    throw std::runtime_error(what + " is not 40 characters of Z85");
  }
  return std::string(binary.begin(), binary.end());
}

std::string ReadAll(std::istream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A key file must be a regular file that only its owner (this user) can read or write.
std::string ReadPrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("--keys " + path + ": " + std::strerror(errno));
  struct stat st {};
  const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0 &&
                  st.st_uid == ::geteuid();
  std::string text;
  if (ok) {
    char chunk[4096];
    for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) text.append(chunk, n);
  }
  ::close(fd);
  if (!ok) {
    throw std::runtime_error("--keys " + path +
                             ": not a regular file of this user with mode 0600 (or stricter)");
  }
  return text;
}

// Fresh server and client key pairs; the client's written to <new 0700 dir>/client.keys (0600).
CurveKeySet MakeKeys(const std::string& endpoint, std::string& dir) {
  std::array<char, kZ85KeyLength + 1> server_public{}, server_secret{}, client_public{},
      client_secret{};
  if (zmq_curve_keypair(server_public.data(), server_secret.data()) != 0 ||
      zmq_curve_keypair(client_public.data(), client_secret.data()) != 0) {
    throw std::runtime_error("cannot make CURVE keys: libzmq was built without CURVE");
  }
  std::vector<std::string> bases;
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg != nullptr && xdg[0] == '/') {
    bases.emplace_back(xdg);
  }
  bases.emplace_back("/tmp");
  for (const std::string& base : bases) {
    std::string dir_template = base + "/dmacosim-XXXXXX";
    if (::mkdtemp(dir_template.data()) == nullptr) continue;  // mode 0700
    dir = dir_template;
    break;
  }
  if (dir.empty()) {
    throw std::runtime_error(std::string("cannot create a private directory for the keys: ") +
                             std::strerror(errno));
  }
  CurveKeySet keys;
  keys.server_secret = server_secret.data();
  keys.client_public.insert(DecodeKey(client_public.data(), "client_public"));
  keys.client_key_file = dir + "/client.keys";
  const int fd =
      ::open(keys.client_key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + keys.client_key_file + ": " + std::strerror(errno));
  }
  const std::string text = "# DmaCosim client keys (CURVE, Z85) for " + endpoint + "\n" +
                           "server_public=" + server_public.data() + "\n" +
                           "client_public=" + client_public.data() + "\n" +
                           "client_secret=" + client_secret.data() + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + keys.client_key_file);
  return keys;
}

}  // namespace

bool IsLoopbackEndpoint(const std::string& endpoint) {
  for (const char* prefix :
       {"ipc://", "inproc://", "tcp://127.", "tcp://localhost:", "tcp://[::1]:"}) {
    if (endpoint.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

CurveKeySet ParseHarnessKeys(const std::string& text, const std::string& source) {
  CurveKeySet keys;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::size_t eq = line.find('=');
    const std::string name = eq == std::string::npos ? line : line.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
    if (name == "server_secret" && keys.server_secret.empty()) {
      (void)DecodeKey(value, source + ": server_secret");
      keys.server_secret = value;
    } else if (name == "client_public") {
      keys.client_public.insert(DecodeKey(value, source + ": client_public"));
    } else {
      throw std::runtime_error(source + ": unexpected line '" + name.substr(0, 20) +
                               "' (want one server_secret=, client_public= lines)");
    }
  }
  if (keys.server_secret.empty()) throw std::runtime_error(source + ": no server_secret");
  if (keys.client_public.empty()) throw std::runtime_error(source + ": no client_public");
  return keys;
}

CurveKeySet LoadCurveKeys(const Options& options, const std::string& endpoint, std::string& dir) {
  const bool loopback = IsLoopbackEndpoint(endpoint);
  if (options.no_curve) {
    if (!loopback) throw std::runtime_error("--no-curve is allowed on loopback endpoints only");
    return {};
  }
  if (options.keys == "-") return ParseHarnessKeys(ReadAll(std::cin), "--keys -");
  if (!options.keys.empty()) {
    return ParseHarnessKeys(ReadPrivateFile(options.keys), "--keys " + options.keys);
  }
  if (!loopback) {
    throw std::runtime_error("binding the non-loopback endpoint " + endpoint +
                             " requires --keys FILE naming the accepted client keys");
  }
  return MakeKeys(endpoint, dir);
}

CurveGuard::CurveGuard(zmq::context_t& context, zmq::socket_t& router, CurveKeySet keys)
    : keys_(std::move(keys)),
      zap_(context, zmq::socket_type::rep),
      monitor_(context, zmq::socket_type::pair) {
  zap_.set(zmq::sockopt::linger, 0);
  zap_.bind("inproc://zeromq.zap.01");
  const int on = 1;
  if (zmq_setsockopt(router.handle(), ZMQ_CURVE_SERVER, &on, sizeof on) != 0 ||
      zmq_setsockopt(router.handle(), ZMQ_CURVE_SECRETKEY, keys_.server_secret.c_str(),
                     kZ85KeyLength) != 0) {
    throw std::runtime_error(std::string("cannot enable CURVE: ") + zmq_strerror(zmq_errno()));
  }
  if (zmq_socket_monitor(router.handle(), kMonitorEndpoint,
                         ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0) {
    throw std::runtime_error(std::string("cannot monitor the socket: ") +
                             zmq_strerror(zmq_errno()));
  }
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(kMonitorEndpoint);
}

void CurveGuard::Service(uint64_t& refused) {
  // ZAP (RFC 27): version, request id, domain, address, identity, mechanism, credentials...
  for (std::vector<zmq::message_t> request;
       zmq::recv_multipart(zap_, std::back_inserter(request), zmq::recv_flags::dontwait);
       request.clear()) {
    const bool accepted = request.size() >= 7 && request[5].to_string_view() == "CURVE" &&
                          keys_.client_public.count(request[6].to_string()) != 0;
    const std::string id = request.size() > 1 ? request[1].to_string() : std::string();
    std::array<zmq::const_buffer, 6> reply = {
        zmq::str_buffer("1.0"),
        zmq::buffer(id),
        accepted ? zmq::str_buffer("200") : zmq::str_buffer("400"),
        accepted ? zmq::str_buffer("OK") : zmq::str_buffer("client key not accepted"),
        zmq::str_buffer(""),
        zmq::str_buffer("")};
    zmq::send_multipart(zap_, reply, zmq::send_flags::dontwait);
  }
  // Monitor events: two frames, the event (u16 id, u32 value) and the peer address.
  for (std::vector<zmq::message_t> event;
       zmq::recv_multipart(monitor_, std::back_inserter(event), zmq::recv_flags::dontwait);
       event.clear()) {
    ++refused;
  }
}

}  // namespace dmacosim
