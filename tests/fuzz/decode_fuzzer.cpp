// SPDX-License-Identifier: MIT
// decode_fuzzer.cpp — libFuzzer target on the harness's request boundary without the RTL:
// Request::Decode on the raw frame, then every typed accessor on every field (recursively, as
// the op handlers and mem_config do), batch entries through Request::FromNested, and the reply
// encoder on what was decoded (success and error replies must be valid MessagePack maps).
// Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. Only the harness's own
// exceptions (CosimError: typed error replies) are expected; anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "errors.h"
#include "msgpack_io.h"
#include "protocol.h"

namespace {

using dmacosim::CosimError;
using dmacosim::ReplyWriter;
using dmacosim::Request;
using dmacosim::Value;

[[noreturn]] void Fail(const char* what, const std::exception* e = nullptr) {
  std::fprintf(stderr, "decode_fuzzer: %s%s%s\n", what, e ? ": " : "", e ? e->what() : "");
  std::abort();
}

// Error messages go on the wire as they are: printable ASCII only (client text is quoted).
void CheckMessage(const CosimError& e) {
  for (const char* p = e.what(); *p != '\0'; ++p) {
    if (*p < 0x20 || *p > 0x7E) Fail("error message with a non-printable byte", &e);
  }
}

// Runs one accessor; a typed error is an expected answer, anything else is a bug.
template <typename F>
void Try(F&& accessor) {
  try {
    accessor();
  } catch (const CosimError& e) {
    CheckMessage(e);
  } catch (const std::exception& e) {
    Fail("unexpected exception from an accessor", &e);
  }
}

// Every accessor on `v`, then on its elements / entries (the decoder bounds the depth).
void Walk(const Value& v, unsigned depth) {
  if (depth > dmacosim::proto::kMaxRequestDepth + 1)
    Fail("value nested deeper than the decoder allows");
  (void)v.TypeName();
  (void)v.path();
  Try([&] { (void)v.Uint(); });
  Try([&] { (void)v.Uint(1, 1000000); });
  Try([&] { (void)v.Number(0.0, 1.0); });
  Try([&] { (void)v.Bool(); });
  Try([&] { (void)v.Str(); });
  Try([&] { (void)v.Bin(); });
  static constexpr std::string_view kNames[] = {"irq", "idle", "SLVERR", "DECERR"};
  Try([&] { (void)v.OneOf(kNames); });
  if (v.IsArray()) {
    const uint32_t n = v.ArraySize();
    for (uint32_t i = 0; i < n && i < 64; ++i) Walk(v.Element(i), depth + 1);
  }
  if (v.IsMap()) {
    Try([&] {
      for (const auto& [key, value] : v.Entries()) {
        (void)key;
        Walk(value, depth + 1);
      }
    });
  }
}

// Both kinds of reply must decode as one MessagePack map holding "id" and "ok".
void CheckReply(const dmacosim::EncodedReply& reply) {
  if (reply.data == nullptr || reply.size == 0) Fail("empty reply");
  try {
    const msgpack::object_handle handle = msgpack::unpack(reply.data, reply.size);
    if (handle.get().type != msgpack::type::MAP) Fail("reply is not a map");
  } catch (const std::exception& e) {
    Fail("reply is not valid MessagePack", &e);
  }
}

// What a handler does with a decoded request: read the fields it knows, echo some of them.
void Exercise(const Request& req, std::optional<uint64_t> id, bool nested) {
  ReplyWriter writer;
  writer.Str(dmacosim::proto::field::kEvent, req.op());
  for (std::string_view name : req.ParamNames()) {
    const std::optional<Value> field = req.Field(name);
    if (!field) Fail("a listed field is not found");
    Walk(*field, 1);
    Try([&] { (void)req.Uint(name); });
    Try([&] { (void)req.OptUint(name, 1, dmacosim::proto::kRunCyclesMax); });
    Try([&] { (void)req.OptBool(name); });
    Try([&] { writer.Str(name, req.Str(name)); });
    Try([&] {
      const std::string_view bin = req.Bin(name);
      writer.Bin(name, reinterpret_cast<const uint8_t*>(bin.data()), bin.size());
    });
  }
  Try([&] { (void)req.Str("missing-field"); });
  CheckReply(writer.Finish(id));

  // A batch's entries, as the batch op decodes them (one level only).
  if (nested) return;
  const std::optional<Value> ops = req.Field(dmacosim::proto::field::kOps);
  if (!ops || !ops->IsArray()) return;
  const uint32_t n = ops->ArraySize();
  for (uint32_t i = 0; i < n && i < 256; ++i) {
    std::optional<uint64_t> entry_id;
    try {
      const Request entry = Request::FromNested(ops->Element(i), entry_id);
      Exercise(entry, entry_id, /*nested=*/true);
    } catch (const CosimError& e) {
      CheckMessage(e);
      CheckReply(ReplyWriter::Error(entry_id, e.code(), e.what()));
    } catch (const std::exception& e) {
      Fail("unexpected exception from FromNested", &e);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::optional<uint64_t> id;
  try {
    const Request req = Request::Decode(reinterpret_cast<const char*>(data), size, id);
    Exercise(req, id, /*nested=*/false);
  } catch (const CosimError& e) {
    CheckMessage(e);
    // The error reply the harness would send, with client text quoted as it would be.
    const std::string message =
        std::string(e.what()) + " " +
        dmacosim::QuoteForMessage(std::string_view(reinterpret_cast<const char*>(data), size));
    CheckReply(ReplyWriter::Error(id, e.code(), message));
  } catch (const std::exception& e) {
    Fail("unexpected exception from Request::Decode", &e);
  }
  return 0;
}
