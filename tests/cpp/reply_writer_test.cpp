// SPDX-License-Identifier: MIT
// reply_writer_test.cpp — ReplyWriter's nested maps count their own entries: every header size
// (fixmap, map16, map32), nesting, and a map as an array element, decoded by msgpack-cxx.
#include <gtest/gtest.h>

#include <string>

#include "msgpack_io.h"

namespace dmacosim {
namespace {

// the reply's results as a msgpack-cxx object tree
msgpack::object_handle Decode(const EncodedReply& reply) {
  return msgpack::unpack(reply.data, reply.size);
}

const msgpack::object& Field(const msgpack::object& map, const std::string& key) {
  for (uint32_t i = 0; i < map.via.map.size; ++i) {
    if (map.via.map.ptr[i].key.as<std::string>() == key) return map.via.map.ptr[i].val;
  }
  throw std::runtime_error("no field " + key);
}

// A map of n uint entries "k0".."k{n-1}" = i, decoded and checked entry by entry.
void ExpectCountedMap(uint32_t n) {
  ReplyWriter w;
  w.Map("m", [&](MapWriter& m) {
    for (uint32_t i = 0; i < n; ++i) m.Uint("k" + std::to_string(i), i);
  });
  w.Uint("after", 7);  // what follows the patched header is intact
  const EncodedReply reply = w.Finish(1);
  const auto handle = Decode(reply);
  const msgpack::object& root = handle.get();
  ASSERT_EQ(root.type, msgpack::type::MAP);
  EXPECT_EQ(root.via.map.size, 4u);  // id, ok, m, after
  const msgpack::object& m = Field(root, "m");
  ASSERT_EQ(m.type, msgpack::type::MAP);
  ASSERT_EQ(m.via.map.size, n);
  for (uint32_t i = 0; i < n; ++i) {
    EXPECT_EQ(m.via.map.ptr[i].key.as<std::string>(), "k" + std::to_string(i));
    EXPECT_EQ(m.via.map.ptr[i].val.as<uint32_t>(), i);
  }
  EXPECT_EQ(Field(root, "after").as<int>(), 7);
  // the smallest header, as msgpack-cxx itself writes it: a canonical encoding
  msgpack::sbuffer expected;
  msgpack::packer<msgpack::sbuffer> p(expected);
  p.pack_map(n);
  const std::string key = "\xa1m";
  const std::string bytes(reply.data, reply.size);
  const auto at = bytes.find(key) + key.size();
  EXPECT_EQ(bytes.substr(at, expected.size()), std::string(expected.data(), expected.size()));
}

TEST(ReplyWriterTest, Map_EveryHeaderSize_CountsItsEntries) {
  for (uint32_t n : {0u, 1u, 15u, 16u, 17u, 300u, 65535u, 65536u}) {
    SCOPED_TRACE(n);
    ExpectCountedMap(n);
  }
}

TEST(ReplyWriterTest, Map_NestedAndInArrays_EachCountedOnItsOwn) {
  ReplyWriter w;
  w.Map("outer", [](MapWriter& m) {
    m.Counters("inner", {{"a", 1}, {"b", 2}, {"c", 3}});
    m.Bool("flag", true);
    m.Float64("f", 1.0);
    m.Str("s", "x");
  });
  w.Key("list").pack_array(2);
  for (int i = 0; i < 2; ++i) {
    w.MapValue([&](MapWriter& m) {
      for (int j = 0; j <= 16 * i; ++j) m.Uint("e" + std::to_string(j), j);
    });
  }
  const EncodedReply reply = w.Finish(std::nullopt);
  const auto handle = Decode(reply);
  const msgpack::object& outer = Field(handle.get(), "outer");
  ASSERT_EQ(outer.via.map.size, 4u);
  EXPECT_EQ(Field(outer, "inner").via.map.size, 3u);
  EXPECT_EQ(Field(Field(outer, "inner"), "c").as<int>(), 3);
  EXPECT_TRUE(Field(outer, "flag").as<bool>());
  EXPECT_EQ(Field(outer, "f").type, msgpack::type::FLOAT64);
  const msgpack::object& list = Field(handle.get(), "list");
  ASSERT_EQ(list.via.array.size, 2u);
  EXPECT_EQ(list.via.array.ptr[0].via.map.size, 1u);
  EXPECT_EQ(list.via.array.ptr[1].via.map.size, 17u);
}

TEST(ReplyWriterTest, Error_CodeAndMessage_InACountedMap) {
  const EncodedReply reply = ReplyWriter::Error(3, proto::ErrorCode::kBadRequest, "why");
  const auto handle = Decode(reply);
  const msgpack::object& error = Field(handle.get(), "error");
  ASSERT_EQ(error.via.map.size, 2u);
  EXPECT_EQ(Field(error, "message").as<std::string>(), "why");
}

}  // namespace
}  // namespace dmacosim
