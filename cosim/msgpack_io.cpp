// SPDX-License-Identifier: Apache-2.0
// msgpack_io.cpp — bounded request decoding and reply encoding.
#include "msgpack_io.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>

#include "errors.h"

namespace dmacosim {
namespace {

// First pass over the frame: checks that it is well-formed MessagePack within the size bounds,
// without allocating anything (msgpack's object unpacker reserves a container's declared size
// up front, so hostile lengths are rejected here first).
struct BoundedScan : msgpack::null_visitor {
  const char* root_type = nullptr;  // set when the frame does not start with a map
  uint64_t values = 0;
  uint64_t depth = 0;
  std::string problem;
  bool truncated = false;
  bool invalid = false;
  std::size_t error_offset = 0;

  // The first value must open the request map: anything else stops the scan right there.
  bool Root(const char* type) {
    if (values != 0) return true;
    root_type = type;
    return false;
  }
  bool Value() {
    if (++values <= proto::kMaxRequestObjects) return true;
    problem = "more than " + std::to_string(proto::kMaxRequestObjects) + " values";
    return false;
  }
  bool Sized(const char* kind, uint64_t size, const char* unit, uint64_t limit) {
    if (size <= limit) return Value();
    problem = std::string(kind) + " of " + std::to_string(size) + " " + unit + " (limit " +
              std::to_string(limit) + ")";
    return false;
  }
  bool Open(const char* kind, uint64_t size, const char* unit, uint64_t limit) {
    if (++depth > proto::kMaxRequestDepth) {
      problem = "nesting deeper than " + std::to_string(proto::kMaxRequestDepth);
      return false;
    }
    return Sized(kind, size, unit, limit);
  }

  bool visit_nil() { return Root("nil") && Value(); }
  bool visit_boolean(bool) { return Root("bool") && Value(); }
  bool visit_positive_integer(uint64_t) { return Root("unsigned integer") && Value(); }
  bool visit_negative_integer(int64_t) { return Root("negative integer") && Value(); }
  bool visit_float32(float) { return Root("float") && Value(); }
  bool visit_float64(double) { return Root("float") && Value(); }
  bool visit_str(const char*, uint32_t size) {
    return Root("str") && Sized("str", size, "bytes", proto::kMaxRequestStr);
  }
  bool visit_bin(const char*, uint32_t size) {
    return Root("bin") && Sized("bin", size, "bytes", proto::kMaxFrameBytes);
  }
  bool visit_ext(const char*, uint32_t size) {
    return Root("ext") && Sized("ext", size, "bytes", proto::kMaxRequestExt);
  }
  bool start_array(uint32_t n) {
    return Root("array") && Open("array", n, "elements", proto::kMaxRequestArray);
  }
  bool end_array() {
    --depth;
    return true;
  }
  bool start_map(uint32_t n) { return Open("map", n, "pairs", proto::kMaxRequestMap); }
  bool end_map() {
    --depth;
    return true;
  }
  void parse_error(std::size_t, std::size_t offset) {
    invalid = true;
    error_offset = offset;
  }
  void insufficient_bytes(std::size_t, std::size_t) { truncated = true; }
};

// Strings and bins are referenced in the frame, never copied.
bool ReferenceAll(msgpack::type::object_type, std::size_t, void*) { return true; }

const char* TypeName(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return "nil";
    case msgpack::type::BOOLEAN:
      return "bool";
    case msgpack::type::POSITIVE_INTEGER:
      return "unsigned integer";
    case msgpack::type::NEGATIVE_INTEGER:
      return "negative integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return "float";
    case msgpack::type::STR:
      return "str";
    case msgpack::type::BIN:
      return "bin";
    case msgpack::type::ARRAY:
      return "array";
    case msgpack::type::MAP:
      return "map";
    case msgpack::type::EXT:
      return "ext";
  }
  return "unknown";
}

std::string_view View(const msgpack::object& o) {
  return o.type == msgpack::type::STR ? std::string_view(o.via.str.ptr, o.via.str.size)
                                      : std::string_view(o.via.bin.ptr, o.via.bin.size);
}

// Client-supplied text quoted in a message: printable ASCII only (replies must be valid UTF-8).
std::string Quote(std::string_view s) {
  constexpr std::size_t kMax = 64;
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > kMax) out += "...";
  return out + "'";
}

constexpr std::size_t kHeadRoom = 32;  // map32 header + "id" + uint64 + "ok" + true = 21 bytes

}  // namespace

// ---- Request ---------------------------------------------------------------------------------

Request Request::Decode(const char* data, std::size_t size, std::optional<uint64_t>& id_out) {
  if (size == 0) throw BadRequest("empty frame: expected a MessagePack map");
  BoundedScan scan;
  std::size_t end = 0;
  const bool parsed = msgpack::parse(data, size, end, scan);
  if (scan.root_type != nullptr) {
    throw BadRequest(std::string("request must be a map, got ") + scan.root_type);
  }
  if (!scan.problem.empty()) throw BadRequest("request too large: " + scan.problem);
  if (scan.invalid) {
    throw BadRequest("invalid MessagePack at byte " + std::to_string(scan.error_offset));
  }
  if (scan.truncated || !parsed) {
    throw BadRequest("truncated MessagePack (" + std::to_string(size) + " bytes)");
  }
  if (end != size) {
    throw BadRequest(std::to_string(size - end) + " extra bytes after the request map");
  }

  Request req;
  try {
    std::size_t offset = 0;
    const msgpack::unpack_limit limit(proto::kMaxRequestArray, proto::kMaxRequestMap,
                                      proto::kMaxRequestStr, proto::kMaxFrameBytes,
                                      proto::kMaxRequestExt, proto::kMaxRequestDepth + 1);
    req.handle_ = msgpack::unpack(data, size, offset, ReferenceAll, nullptr, limit);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw BadRequest(std::string("invalid MessagePack: ") + e.what());
  }
  const msgpack::object& root = req.handle_.get();
  if (root.type != msgpack::type::MAP) {
    throw BadRequest(std::string("request must be a map, got ") + TypeName(root));
  }

  // The id first, so that every later error can echo it.
  for (uint32_t i = 0; i < root.via.map.size; ++i) {
    const msgpack::object_kv& kv = root.via.map.ptr[i];
    if (kv.key.type == msgpack::type::STR && View(kv.key) == proto::field::kId) {
      if (kv.val.type != msgpack::type::POSITIVE_INTEGER) {
        throw BadRequest(std::string("field 'id' must be an unsigned integer, got ") +
                         TypeName(kv.val));
      }
      req.id_ = kv.val.via.u64;
      id_out = req.id_;
      break;
    }
  }
  if (!id_out) throw BadRequest("missing field 'id'");

  for (uint32_t i = 0; i < root.via.map.size; ++i) {
    const msgpack::object_kv& kv = root.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) {
      throw BadRequest(std::string("map keys must be str, got ") + TypeName(kv.key));
    }
    const std::string_view key = View(kv.key);
    if (req.Find(key) != nullptr) throw BadRequest("duplicate field " + Quote(key));
    req.fields_.emplace_back(key, &kv.val);
  }
  req.op_ = req.Str(proto::field::kOp);
  return req;
}

std::vector<std::string_view> Request::ParamNames() const {
  std::vector<std::string_view> names;
  for (const auto& [name, value] : fields_) {
    if (name != proto::field::kId && name != proto::field::kOp) names.push_back(name);
  }
  return names;
}

const msgpack::object* Request::Find(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return value;
  }
  return nullptr;
}

const msgpack::object& Request::Require(std::string_view name) const {
  const msgpack::object* value = Find(name);
  if (value == nullptr) throw BadRequest("missing field " + Quote(name));
  return *value;
}

uint64_t Request::Uint(std::string_view name, uint64_t lo, uint64_t hi) const {
  const std::optional<uint64_t> value = OptUint(name, lo, hi);
  if (!value) throw BadRequest("missing field " + Quote(name));
  return *value;
}

std::optional<uint64_t> Request::OptUint(std::string_view name, uint64_t lo, uint64_t hi) const {
  const msgpack::object* o = Find(name);
  if (o == nullptr) return std::nullopt;
  if (o->type == msgpack::type::NEGATIVE_INTEGER) {
    throw BadRequest("field " + Quote(name) + " must be a non-negative integer, got " +
                     std::to_string(o->via.i64));
  }
  if (o->type != msgpack::type::POSITIVE_INTEGER) {
    throw BadRequest("field " + Quote(name) + " must be an unsigned integer, got " + TypeName(*o));
  }
  const uint64_t v = o->via.u64;
  if (v < lo || v > hi) {
    throw BadRequest("field " + Quote(name) + " = " + std::to_string(v) + " is out of range " +
                     std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

std::string_view Request::Str(std::string_view name) const {
  const msgpack::object& o = Require(name);
  if (o.type != msgpack::type::STR) {
    throw BadRequest("field " + Quote(name) + " must be a str, got " + TypeName(o));
  }
  return View(o);
}

std::string_view Request::Bin(std::string_view name) const {
  const msgpack::object& o = Require(name);
  if (o.type != msgpack::type::BIN) {
    throw BadRequest("field " + Quote(name) + " must be a bin, got " + TypeName(o));
  }
  return View(o);
}

std::string QuoteForMessage(std::string_view s) { return Quote(s); }

// ---- ReplyWriter -----------------------------------------------------------------------------

ReplyWriter::Buffer::Buffer(std::size_t capacity)
    : block_(static_cast<char*>(std::malloc(capacity))), size_(kHeadRoom), capacity_(capacity) {
  if (!block_) throw std::bad_alloc();
}

void ReplyWriter::Buffer::Reserve(std::size_t capacity) {
  if (capacity <= capacity_) return;
  char* grown = static_cast<char*>(std::realloc(block_.get(), capacity));
  if (grown == nullptr) throw std::bad_alloc();
  (void)block_.release();
  block_.reset(grown);
  capacity_ = capacity;
}

void ReplyWriter::Buffer::write(const char* p, std::size_t n) {
  if (n > capacity_ - size_) Reserve(std::max(capacity_ * 2, size_ + n));
  std::memcpy(block_.get() + size_, p, n);
  size_ += n;
}

ReplyWriter::ReplyWriter() : buffer_(kHeadRoom + 480), packer_(buffer_) {}

ReplyWriter::Packer& ReplyWriter::Key(std::string_view key) {
  ++fields_;
  PackStr(packer_, key);
  return packer_;
}

void ReplyWriter::Str(std::string_view key, std::string_view value) { PackStr(Key(key), value); }

void ReplyWriter::Bin(std::string_view key, const uint8_t* data, std::size_t size) {
  Key(key).pack_bin(static_cast<uint32_t>(size));
  packer_.pack_bin_body(reinterpret_cast<const char*>(data), static_cast<uint32_t>(size));
}

namespace {

struct HeadSink {
  char bytes[kHeadRoom];
  std::size_t size = 0;
  void write(const char* p, std::size_t n) {
    std::memcpy(bytes + size, p, n);
    size += n;
  }
};

EncodedReply Seal(ReplyWriter::Buffer& buffer, uint32_t fields, std::optional<uint64_t> id,
                  bool ok) {
  HeadSink head;
  msgpack::packer<HeadSink> packer(head);
  packer.pack_map(fields + 2);
  PackStr(packer, proto::field::kId);
  if (id) {
    packer.pack_uint64(*id);
  } else {
    packer.pack_nil();
  }
  PackStr(packer, proto::field::kOk);
  if (ok) {
    packer.pack_true();
  } else {
    packer.pack_false();
  }
  char* start = buffer.base() + kHeadRoom - head.size;
  std::memcpy(start, head.bytes, head.size);
  EncodedReply reply;
  reply.size = buffer.size() - kHeadRoom + head.size;
  reply.data = start;
  reply.block = buffer.Release();
  return reply;
}

}  // namespace

EncodedReply ReplyWriter::Finish(std::optional<uint64_t> id) {
  return Seal(buffer_, fields_, id, true);
}

EncodedReply ReplyWriter::Error(std::optional<uint64_t> id, proto::ErrorCode code,
                                std::string_view message) {
  ReplyWriter w;
  w.Key(proto::field::kError).pack_map(2);
  PackStr(w.packer_, proto::field::kCode);
  PackStr(w.packer_, proto::ErrorCodeName(code));
  PackStr(w.packer_, proto::field::kMessage);
  PackStr(w.packer_, message);
  return Seal(w.buffer_, w.fields_, id, false);
}

}  // namespace dmacosim
