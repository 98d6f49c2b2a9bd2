// SPDX-License-Identifier: Apache-2.0
// msgpack_io.h — MessagePack on the wire: a bounded decoder for one request map with typed field
// accessors (every failure is a BadRequest naming the field), and a reply encoder that builds
// {"id", "ok", ...results} in one buffer without copying large bin results twice.
#pragma once

#ifndef MSGPACK_NO_BOOST
#define MSGPACK_NO_BOOST
#endif

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <msgpack.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol.h"

namespace dmacosim {

// One decoded request. Strings and bins point into the frame: it must outlive the Request.
class Request {
 public:
  // Decodes `size` bytes holding exactly one map. Throws BadRequest. `id_out` receives the
  // request id as soon as it is known, so that an error reply can echo it.
  static Request Decode(const char* data, std::size_t size, std::optional<uint64_t>& id_out);

  uint64_t id() const { return id_; }
  std::string_view op() const { return op_; }
  // Field names other than id and op, in wire order.
  std::vector<std::string_view> ParamNames() const;

  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // Unsigned integer fields: any non-negative MessagePack integer; `lo..hi` inclusive.
  uint64_t Uint(std::string_view name, uint64_t lo = 0, uint64_t hi = UINT64_MAX) const;
  std::optional<uint64_t> OptUint(std::string_view name, uint64_t lo = 0,
                                  uint64_t hi = UINT64_MAX) const;
  std::string_view Str(std::string_view name) const;
  std::string_view Bin(std::string_view name) const;

 private:
  const msgpack::object* Find(std::string_view name) const;
  const msgpack::object& Require(std::string_view name) const;

  msgpack::object_handle handle_;
  std::vector<std::pair<std::string_view, const msgpack::object*>> fields_;
  uint64_t id_ = 0;
  std::string_view op_;
};

// An encoded reply: `size` bytes at `data`, inside a malloc'ed block owned by `block`.
struct EncodedReply {
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> block;
  const char* data = nullptr;
  std::size_t size = 0;
};

// Builds a reply map. Results are packed as they come; the map header with the final field
// count, "id" and "ok" is written in front of them by Finish().
class ReplyWriter {
 public:
  // Growable buffer with room reserved in front for the header; a msgpack packer stream.
  class Buffer {
   public:
    explicit Buffer(std::size_t capacity);
    void write(const char* p, std::size_t n);  // the msgpack stream interface
    void Reserve(std::size_t capacity);
    char* base() { return block_.get(); }
    std::size_t size() const { return size_; }
    std::unique_ptr<char, EncodedReply::Free> Release() { return std::move(block_); }

   private:
    std::unique_ptr<char, EncodedReply::Free> block_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
  };
  using Packer = msgpack::packer<Buffer>;

  ReplyWriter();
  ReplyWriter(const ReplyWriter&) = delete;
  ReplyWriter& operator=(const ReplyWriter&) = delete;

  // Make room for `bytes` more bytes of results (a mem_read's data) in one allocation.
  void Reserve(std::size_t bytes) { buffer_.Reserve(buffer_.size() + bytes); }

  // Starts a top-level result field; pack its value with packer() next.
  Packer& Key(std::string_view key);
  Packer& packer() { return packer_; }
  void Uint(std::string_view key, uint64_t value) { Key(key).pack_uint64(value); }
  void Str(std::string_view key, std::string_view value);
  void Bin(std::string_view key, const uint8_t* data, std::size_t size);

  // {"id": id or nil, "ok": true, ...results}
  EncodedReply Finish(std::optional<uint64_t> id);
  // {"id": id or nil, "ok": false, "error": {"code": code, "message": message}}
  static EncodedReply Error(std::optional<uint64_t> id, proto::ErrorCode code,
                            std::string_view message);

 private:
  Buffer buffer_;
  Packer packer_;
  uint32_t fields_ = 0;
};

// Pack a std::string_view as a MessagePack str.
template <typename Packer>
void PackStr(Packer& packer, std::string_view s) {
  packer.pack_str(static_cast<uint32_t>(s.size()));
  packer.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

// Client-supplied text for an error message: quoted, printable ASCII, at most 64 characters.
std::string QuoteForMessage(std::string_view s);

}  // namespace dmacosim
