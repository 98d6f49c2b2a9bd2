#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that a merged sharded regression equals one local regression of the same seeds, independently of
dmacosim's own merge code: the same seeds, and per seed the same verdict, simulated cycles and memory checksum;
the same functional coverage (every bin's hits and first seed). Prints the per-seed wall-time distribution of
the local run and, from it, a projection of a large nightly on N nodes.

  compare.py LOCAL.xml MERGED.xml [--coverage LOCAL.json MERGED.json] [--project SEEDS] [--slots K]
Exit 0 when equal, 1 when not (each difference printed), 2 on unreadable input.
"""
import argparse
import json
import math
import random
import sys
import xml.etree.ElementTree as ET


def cases(path):
    """seed -> (passed, cycles, checksum, seconds) of a JUnit file's testcases."""
    suites = ET.parse(path).getroot()
    result = {}
    for testcase in suites.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in testcase.iter("property")}
        seed = int(props["seed"])
        if seed in result:
            raise ValueError(f"{path}: seed {seed} twice")
        passed = testcase.find("failure") is None and testcase.find("error") is None
        result[seed] = (passed, int(props["cycles"]), props["checksum"], float(testcase.get("time", "0")))
    return result


def compare(local, merged):
    """The differences, one line each."""
    problems = []
    for seed in sorted(set(local) - set(merged)):
        problems.append(f"seed {seed}: in the local run, not in the merged one")
    for seed in sorted(set(merged) - set(local)):
        problems.append(f"seed {seed}: in the merged run, not in the local one")
    for seed in sorted(set(local) & set(merged)):
        for name, index in (("verdict", 0), ("cycles", 1), ("checksum", 2)):
            if local[seed][index] != merged[seed][index]:
                problems.append(f"seed {seed}: {name} {merged[seed][index]} merged, {local[seed][index]} local")
    return problems


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(math.ceil(q * len(sorted_values))) - 1)]


def project(seconds, total, slots, overhead, nodes_list, rng):
    """Monte Carlo: TOTAL seeds drawn from the measured per-seed times, one shard per node of SLOTS harnesses,
    each harness taking the next seed when free; the nightly ends with the slowest node. Median of 5 draws."""
    rows = []
    for nodes in nodes_list:
        ends = []
        for _ in range(5):
            per_node = [total // nodes + (1 if i < total % nodes else 0) for i in range(nodes)]
            slowest = 0.0
            for n in per_node:
                busy = [0.0] * slots
                for _ in range(n):
                    k = busy.index(min(busy))
                    busy[k] += rng.choice(seconds)
                slowest = max(slowest, max(busy))
            ends.append(slowest + overhead)
        ends.sort()
        rows.append((nodes, ends[len(ends) // 2]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("local")
    parser.add_argument("merged")
    parser.add_argument("--coverage", nargs=2, metavar=("LOCAL", "MERGED"))
    parser.add_argument("--project", type=int, default=0, help="seeds of the nightly to project (0: none)")
    parser.add_argument("--slots", type=int, default=2, help="harnesses per node in the projection")
    parser.add_argument("--overhead", type=float, default=0.0, help="seconds per shard outside regress (scheduler, start-up)")
    args = parser.parse_args()
    try:
        local, merged = cases(args.local), cases(args.merged)
        coverage = [json.load(open(f, encoding="utf-8")) for f in args.coverage] if args.coverage else None
    except (OSError, ValueError, KeyError, ET.ParseError) as e:
        print(f"compare: {e}", file=sys.stderr)
        return 2

    problems = compare(local, merged)
    if coverage and coverage[0] != coverage[1]:
        problems.append(f"coverage differs: {coverage[0].get('binsHit')} bins hit, {coverage[0].get('scenarios')} scenarios local; "
                        f"{coverage[1].get('binsHit')}, {coverage[1].get('scenarios')} merged")
    for line in problems[:50]:
        print(f"compare: {line}")
    if problems:
        print(f"compare: the merged result differs from the local one ({len(problems)} differences)")
        return 1

    passed = sum(1 for c in local.values() if c[0])
    print(f"compare: the merged result equals the local one: {len(local)} seeds ({passed} passed), "
          f"every verdict, cycle count and checksum identical"
          + (f"; coverage identical ({coverage[0]['binsHit']}/{coverage[0]['bins']} bins, {coverage[0]['scenarios']} scenarios)" if coverage else ""))

    seconds = sorted(c[3] for c in local.values())
    if args.project and seconds:
        mean = sum(seconds) / len(seconds)
        print(f"per-seed wall (local run, {len(seconds)} seeds): mean {mean:.3f} s, p50 {percentile(seconds, .5):.3f}, "
              f"p90 {percentile(seconds, .9):.3f}, p99 {percentile(seconds, .99):.3f}, max {seconds[-1]:.3f}")
        print(f"projection of {args.project:,} seeds, {args.slots} harnesses per node, {args.overhead:.1f} s per shard outside regress:")
        for nodes, end in project(seconds, args.project, args.slots, args.overhead, [1, 4, 16, 64, 256], random.Random(1)):
            print(f"  {nodes:4d} nodes: {end / 3600:7.2f} h  ({end:,.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
