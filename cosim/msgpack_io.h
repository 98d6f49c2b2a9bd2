// SPDX-License-Identifier: MIT
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
#include <initializer_list>
#include <memory>
#include <msgpack.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol.h"

namespace dmacosim {

// One value inside a request, with the path that names it in messages: "cycles", "faults[2].len",
// "backpressure.ar". Points into the frame, like the Request it came from. Every accessor throws
// BadRequest naming the path when the value has the wrong type or is out of range.
class Value {
 public:
  Value(const msgpack::object& object, std::string path)
      : object_(&object), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool IsMap() const { return object_->type == msgpack::type::MAP; }
  bool IsArray() const { return object_->type == msgpack::type::ARRAY; }
  // An integer of either sign or a float.
  bool IsNumber() const;
  // MessagePack type name for messages ("unsigned integer", "float", "map", ...).
  const char* TypeName() const;

  // Any non-negative MessagePack integer; `lo..hi` inclusive.
  uint64_t Uint(uint64_t lo = 0, uint64_t hi = UINT64_MAX) const;
  // Any integer or float (NaN is out of every range); `lo..hi` inclusive.
  double Number(double lo, double hi) const;
  bool Bool() const;
  std::string_view Str() const;
  std::string_view Bin() const;
  // Arrays: the element count, then element `i` (path "path[i]"). Throw unless an array.
  uint32_t ArraySize() const;
  Value Element(uint32_t i) const;
  // Maps: the entries in wire order (paths "path.key"); keys must be str and unique.
  std::vector<std::pair<std::string_view, Value>> Entries() const;
  // A str value must be one of `names` (message lists them); returns its index in `names`.
  template <std::size_t N>
  std::size_t OneOf(const std::string_view (&names)[N]) const {
    const std::string_view s = Str();
    for (std::size_t i = 0; i < N; ++i) {
      if (s == names[i]) return i;
    }
    NotOneOf(names, N);
  }

  // The raw object (for the request decoder).
  const msgpack::object& object() const { return *object_; }

 private:
  [[noreturn]] void NotOneOf(const std::string_view* names, std::size_t n) const;
  [[noreturn]] void WrongType(const char* expected) const;

  const msgpack::object* object_;
  std::string path_;
};

// One decoded request. Strings and bins point into the frame: it must outlive the Request.
class Request {
 public:
  // Decodes `size` bytes holding exactly one map. Throws BadRequest. `id_out` receives the
  // request id as soon as it is known, so that an error reply can echo it.
  static Request Decode(const char* data, std::size_t size, std::optional<uint64_t>& id_out);
  // A request nested in another one (a batch entry): a map like a top-level request, except that
  // `id` is optional. Points into the enclosing request's frame, which must outlive it.
  static Request FromNested(const Value& entry, std::optional<uint64_t>& id_out);

  uint64_t id() const { return id_; }
  std::string_view op() const { return op_; }
  // Field names other than id and op, in wire order.
  std::vector<std::string_view> ParamNames() const;

  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // A field's value, if present.
  std::optional<Value> Field(std::string_view name) const;
  // Unsigned integer fields: any non-negative MessagePack integer; `lo..hi` inclusive.
  uint64_t Uint(std::string_view name, uint64_t lo = 0, uint64_t hi = UINT64_MAX) const;
  std::optional<uint64_t> OptUint(std::string_view name, uint64_t lo = 0,
                                  uint64_t hi = UINT64_MAX) const;
  std::optional<bool> OptBool(std::string_view name) const;
  std::string_view Str(std::string_view name) const;
  std::string_view Bin(std::string_view name) const;

 private:
  // Checks the map (id, str keys, no duplicates, op) and fills the fields.
  void Parse(const msgpack::object& root, std::optional<uint64_t>& id_out, bool id_required);
  const msgpack::object* Find(std::string_view name) const;
  const msgpack::object& Require(std::string_view name) const;

  msgpack::object_handle handle_;  // empty for a nested request
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
  bool ok = false;             // "ok" in the reply
  std::optional<uint64_t> id;  // "id" in the reply (nullopt: nil)
};

// Pack a std::string_view as a MessagePack str.
template <typename Packer>
void PackStr(Packer& packer, std::string_view s) {
  packer.pack_str(static_cast<uint32_t>(s.size()));
  packer.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

class ReplyWriter;
class MapWriter;

// The field writers shared by a reply's top level (ReplyWriter) and its nested maps (MapWriter):
// each field goes through Self::Key, which counts it, so no map header is ever counted by hand.
template <typename Self>
class FieldWriter {
 public:
  void Uint(std::string_view key, uint64_t value) { self().Key(key).pack_uint64(value); }
  void Bool(std::string_view key, bool value);
  void Str(std::string_view key, std::string_view value) { PackStr(self().Key(key), value); }
  // a float 64 field, even when the value is integral
  void Float64(std::string_view key, double value);
  // a nested map field; `fill(MapWriter&)` writes its entries
  template <typename Fill>
  void Map(std::string_view key, Fill&& fill);
  // a nested map of uint counters, in the order given
  void Counters(std::string_view key,
                std::initializer_list<std::pair<std::string_view, uint64_t>> counters);

 private:
  Self& self() { return static_cast<Self&>(*this); }
};

// Builds a reply map. Results are packed as they come; the map header with the final field
// count, "id" and "ok" is written in front of them by Finish().
class ReplyWriter : public FieldWriter<ReplyWriter> {
 public:
  // Growable buffer with room reserved in front for the header; a msgpack packer stream.
  class Buffer {
   public:
    explicit Buffer(std::size_t capacity);
    void write(const char* p, std::size_t n);  // the msgpack stream interface
    void Reserve(std::size_t capacity);
    // Opens `n` bytes at `offset`, moving what follows up (a map header learnt after its body).
    void Insert(std::size_t offset, std::size_t n);
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
  using FieldWriter::Float64;
  void Bin(std::string_view key, const uint8_t* data, std::size_t size);
  // Appends already-encoded MessagePack (whole values, e.g. nested replies) to the results.
  void Raw(const char* data, std::size_t size) { buffer_.write(data, size); }
  // Packs a value (not a field) as float 64, even when it is integral (msgpack-cxx's pack_double
  // packs 1.0 as the integer 1): a float result stays a float on the wire.
  void Float64(double value);
  // Packs a map value (an array element, or after Key); `fill(MapWriter&)` writes its entries and
  // the header with their count is written after them.
  template <typename Fill>
  void MapValue(Fill&& fill);

  // {"id": id or nil, "ok": true, ...results}
  EncodedReply Finish(std::optional<uint64_t> id);
  // {"id": id or nil, "ok": false, "error": {"code": code, "message": message}}
  static EncodedReply Error(std::optional<uint64_t> id, proto::ErrorCode code,
                            std::string_view message);

 private:
  // a one-byte placeholder for a map header; returns its offset
  std::size_t BeginMap();
  // the header of the map begun at `offset` with `count` entries (fixmap, map16 or map32)
  void EndMap(std::size_t offset, uint32_t count);

  Buffer buffer_;
  Packer packer_;
  uint32_t fields_ = 0;
};

// The entries of one nested map (see ReplyWriter::MapValue).
class MapWriter : public FieldWriter<MapWriter> {
 public:
  MapWriter(const MapWriter&) = delete;
  MapWriter& operator=(const MapWriter&) = delete;

  // Starts an entry; pack its value with the returned packer next.
  ReplyWriter::Packer& Key(std::string_view key) {
    ++count_;
    PackStr(w_.packer(), key);
    return w_.packer();
  }
  ReplyWriter& writer() { return w_; }

 private:
  friend class ReplyWriter;
  explicit MapWriter(ReplyWriter& w) : w_(w) {}
  ReplyWriter& w_;
  uint32_t count_ = 0;
};

template <typename Fill>
void ReplyWriter::MapValue(Fill&& fill) {
  const std::size_t at = BeginMap();
  MapWriter m(*this);
  fill(m);
  EndMap(at, m.count_);
}

template <typename Self>
void FieldWriter<Self>::Bool(std::string_view key, bool value) {
  auto& p = self().Key(key);
  if (value) {
    p.pack_true();
  } else {
    p.pack_false();
  }
}

template <typename Self>
void FieldWriter<Self>::Float64(std::string_view key, double value) {
  self().Key(key);
  if constexpr (std::is_same_v<Self, ReplyWriter>) {
    self().Float64(value);
  } else {
    self().writer().Float64(value);
  }
}

template <typename Self>
template <typename Fill>
void FieldWriter<Self>::Map(std::string_view key, Fill&& fill) {
  self().Key(key);
  if constexpr (std::is_same_v<Self, ReplyWriter>) {
    self().MapValue(std::forward<Fill>(fill));
  } else {
    self().writer().MapValue(std::forward<Fill>(fill));
  }
}

template <typename Self>
void FieldWriter<Self>::Counters(
    std::string_view key, std::initializer_list<std::pair<std::string_view, uint64_t>> counters) {
  Map(key, [&](MapWriter& m) {
    for (const auto& [name, value] : counters) m.Uint(name, value);
  });
}

// Client-supplied text for an error message: quoted, printable ASCII, at most 64 characters.
std::string QuoteForMessage(std::string_view s);

}  // namespace dmacosim
