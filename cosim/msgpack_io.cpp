// SPDX-License-Identifier: MIT
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

// ---- Value -----------------------------------------------------------------------------------

const char* Value::TypeName() const { return dmacosim::TypeName(*object_); }

bool Value::IsNumber() const {
  switch (object_->type) {
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER:
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return true;
    default:
      return false;
  }
}

void Value::WrongType(const char* expected) const {
  throw BadRequest("field " + Quote(path_) + " must be " + expected + ", got " + TypeName());
}

void Value::NotOneOf(const std::string_view* names, std::size_t n) const {
  std::string list;
  for (std::size_t i = 0; i < n; ++i) list += (i == 0 ? "" : ", ") + std::string(names[i]);
  throw BadRequest("field " + Quote(path_) + " = " + Quote(View(*object_)) +
                   " is not one of: " + list);
}

uint64_t Value::Uint(uint64_t lo, uint64_t hi) const {
  if (object_->type == msgpack::type::NEGATIVE_INTEGER) {
    throw BadRequest("field " + Quote(path_) + " must be a non-negative integer, got " +
                     std::to_string(object_->via.i64));
  }
  if (object_->type != msgpack::type::POSITIVE_INTEGER) WrongType("an unsigned integer");
  const uint64_t v = object_->via.u64;
  if (v < lo || v > hi) {
    throw BadRequest("field " + Quote(path_) + " = " + std::to_string(v) + " is out of range " +
                     std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

double Value::Number(double lo, double hi) const {
  double v = 0;
  switch (object_->type) {
    case msgpack::type::POSITIVE_INTEGER:
      v = static_cast<double>(object_->via.u64);
      break;
    case msgpack::type::NEGATIVE_INTEGER:
      v = static_cast<double>(object_->via.i64);
      break;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      v = object_->via.f64;
      break;
    default:
      WrongType("a number");
  }
  if (!(v >= lo && v <= hi)) {  // NaN fails too
    char buf[96];
    std::snprintf(buf, sizeof(buf), " = %.17g is out of range %g..%g", v, lo, hi);
    throw BadRequest("field " + Quote(path_) + buf);
  }
  return v;
}

bool Value::Bool() const {
  if (object_->type != msgpack::type::BOOLEAN) WrongType("a bool");
  return object_->via.boolean;
}

std::string_view Value::Str() const {
  if (object_->type != msgpack::type::STR) WrongType("a str");
  return View(*object_);
}

std::string_view Value::Bin() const {
  if (object_->type != msgpack::type::BIN) WrongType("a bin");
  return View(*object_);
}

uint32_t Value::ArraySize() const {
  if (object_->type != msgpack::type::ARRAY) WrongType("an array");
  return object_->via.array.size;
}

Value Value::Element(uint32_t i) const {
  return Value(object_->via.array.ptr[i], path_ + "[" + std::to_string(i) + "]");
}

std::vector<std::pair<std::string_view, Value>> Value::Entries() const {
  if (object_->type != msgpack::type::MAP) WrongType("a map");
  std::vector<std::pair<std::string_view, Value>> entries;
  entries.reserve(object_->via.map.size);
  for (uint32_t i = 0; i < object_->via.map.size; ++i) {
    const msgpack::object_kv& kv = object_->via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) {
      throw BadRequest("field " + Quote(path_) + ": map keys must be str, got " +
                       dmacosim::TypeName(kv.key));
    }
    const std::string_view key = View(kv.key);
    for (const auto& [seen, value] : entries) {
      if (seen == key) throw BadRequest("field " + Quote(path_) + ": duplicate key " + Quote(key));
    }
    entries.emplace_back(key, Value(kv.val, path_ + "." + std::string(key)));
  }
  return entries;
}

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
  req.Parse(req.handle_.get(), id_out, /*id_required=*/true);
  return req;
}

Request Request::FromNested(const Value& entry, std::optional<uint64_t>& id_out) {
  Request req;
  req.Parse(entry.object(), id_out, /*id_required=*/false);
  return req;
}

void Request::Parse(const msgpack::object& root, std::optional<uint64_t>& id_out,
                    bool id_required) {
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
      id_ = kv.val.via.u64;
      id_out = id_;
      break;
    }
  }
  if (!id_out && id_required) throw BadRequest("missing field 'id'");

  fields_.reserve(root.via.map.size);
  for (uint32_t i = 0; i < root.via.map.size; ++i) {
    const msgpack::object_kv& kv = root.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) {
      throw BadRequest(std::string("map keys must be str, got ") + TypeName(kv.key));
    }
    const std::string_view key = View(kv.key);
    if (Find(key) != nullptr) throw BadRequest("duplicate field " + Quote(key));
    fields_.emplace_back(key, &kv.val);
  }
  op_ = Str(proto::field::kOp);
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

std::optional<Value> Request::Field(std::string_view name) const {
  const msgpack::object* o = Find(name);
  if (o == nullptr) return std::nullopt;
  return Value(*o, std::string(name));
}

uint64_t Request::Uint(std::string_view name, uint64_t lo, uint64_t hi) const {
  return Value(Require(name), std::string(name)).Uint(lo, hi);
}

std::optional<uint64_t> Request::OptUint(std::string_view name, uint64_t lo, uint64_t hi) const {
  const std::optional<Value> v = Field(name);
  if (!v) return std::nullopt;
  return v->Uint(lo, hi);
}

std::optional<bool> Request::OptBool(std::string_view name) const {
  const std::optional<Value> v = Field(name);
  if (!v) return std::nullopt;
  return v->Bool();
}

std::string_view Request::Str(std::string_view name) const {
  return Value(Require(name), std::string(name)).Str();
}

std::string_view Request::Bin(std::string_view name) const {
  return Value(Require(name), std::string(name)).Bin();
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

void ReplyWriter::Buffer::Insert(std::size_t offset, std::size_t n) {
  Reserve(std::max(capacity_, size_ + n));
  std::memmove(block_.get() + offset + n, block_.get() + offset, size_ - offset);
  size_ += n;
}

ReplyWriter::ReplyWriter() : buffer_(kHeadRoom + 480), packer_(buffer_) {}

ReplyWriter::Packer& ReplyWriter::Key(std::string_view key) {
  ++fields_;
  PackStr(packer_, key);
  return packer_;
}

std::size_t ReplyWriter::BeginMap() {
  const std::size_t at = buffer_.size();
  const char placeholder = 0;
  buffer_.write(&placeholder, 1);
  return at;
}

void ReplyWriter::EndMap(std::size_t offset, uint32_t count) {
  // the smallest header the count fits, as msgpack-cxx's pack_map writes it
  if (count < 16) {
    buffer_.base()[offset] = static_cast<char>(0x80 | count);
    return;
  }
  const bool wide = count > 0xFFFF;
  const std::size_t width = wide ? 4 : 2;
  buffer_.Insert(offset + 1, width);
  char* h = buffer_.base() + offset;
  h[0] = static_cast<char>(wide ? 0xDF : 0xDE);
  for (std::size_t i = 0; i < width; ++i) {
    h[1 + i] = static_cast<char>(count >> (8 * (width - 1 - i)));
  }
}

void ReplyWriter::Float64(double value) {
  uint64_t bits = 0;
  static_assert(sizeof(bits) == sizeof(value));
  std::memcpy(&bits, &value, sizeof(bits));
  char bytes[9];
  bytes[0] = static_cast<char>(0xCB);  // float 64, big-endian
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  buffer_.write(bytes, sizeof(bytes));
}

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
  reply.ok = ok;
  reply.id = id;
  return reply;
}

}  // namespace

EncodedReply ReplyWriter::Finish(std::optional<uint64_t> id) {
  return Seal(buffer_, fields_, id, true);
}

EncodedReply ReplyWriter::Error(std::optional<uint64_t> id, proto::ErrorCode code,
                                std::string_view message) {
  ReplyWriter w;
  w.Map(proto::field::kError, [&](MapWriter& e) {
    e.Str(proto::field::kCode, proto::ErrorCodeName(code));
    e.Str(proto::field::kMessage, message);
  });
  return Seal(w.buffer_, w.fields_, id, false);
}

}  // namespace dmacosim
