#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# make_corpus.py — writes the seed corpus of decode_fuzzer (tests/fuzz/corpus/): one valid request
# per op and a few batches, MessagePack-encoded by the small encoder below (no dependencies).
import struct
import sys
from pathlib import Path


def pack(v):
    if v is None:
        return b"\xc0"
    if v is True or v is False:
        return b"\xc3" if v else b"\xc2"
    if isinstance(v, int):
        if 0 <= v < 0x80:
            return bytes([v])
        if v < 0:
            return b"\xd3" + struct.pack(">q", v)
        return b"\xcf" + struct.pack(">Q", v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode()
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else b"\xd9" + bytes([len(b)])) + b
    if isinstance(v, bytes):
        return b"\xc4" + bytes([len(v)]) + v
    if isinstance(v, list):
        return bytes([0x90 | len(v)]) + b"".join(pack(x) for x in v)
    if isinstance(v, dict):
        return bytes([0x80 | len(v)]) + b"".join(pack(k) + pack(x) for k, x in v.items())
    raise TypeError(type(v))


def req(op, **fields):
    return {"id": 1, "op": op, **fields}


SEEDS = {
    "hello": req("hello"),
    "reset": req("reset", cycles=16),
    "run": req("run", cycles=100),
    "run_until": req("run_until", event="irq", max_cycles=1000),
    "reg_read": req("reg_read", addr=4),
    "reg_write": req("reg_write", addr=0, value=4096),
    "mem_read": req("mem_read", addr=4096, len=16),
    "mem_write": req("mem_write", addr=4096, data=bytes(range(16))),
    "mem_config": req("mem_config", read_latency=20, write_latency=5, max_outstanding=4,
                      backpressure={"ar": 0.25, "r": 0.5, "aw": 0, "w": 1.0, "b": 0.125},
                      seed=42, faults=[{"addr": 2097152, "len": 4096, "resp": "SLVERR", "on": "read"}]),
    "stats": req("stats", reset=True),
    "trace_start": req("trace", path="wave.fst"),
    "trace_stop": req("trace", stop=True),
    "shutdown": req("shutdown"),
    "batch": req("batch", ops=[{"id": 1, "op": "reg_read", "addr": 4},
                               {"op": "reg_write", "addr": 4, "value": 4096},
                               {"op": "mem_config", "backpressure": 0.5, "faults": []}]),
    "batch_empty": req("batch", ops=[]),
}

out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "corpus")
out.mkdir(parents=True, exist_ok=True)
for name, value in SEEDS.items():
    (out / f"{name}.msgpack").write_bytes(pack(value))
