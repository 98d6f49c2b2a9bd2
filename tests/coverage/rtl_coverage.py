#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-module RTL code coverage from a Verilator coverage file (`make coverage`).

Reads a .dat that verilator_coverage --write merged (Verilator 5.006's SystemC::Coverage-3 format: one
line per point, `C '<key>\\x02<value>\\x01...' <count>`), and writes a Markdown summary:
  - per module: line coverage (Verilator's line points: blocks and branch arms, `v_line/` and
    `v_branch/` pages) and toggle coverage (`v_toggle/` pages, one point per bit and direction),
    as % and covered/total;
  - per module: the source lines never executed (every line point covering them has count 0).
A point instantiated several times (one per hierarchy) counts once, with the sum of its counts.

usage: rtl_coverage.py MERGED.dat [--out SUMMARY.md]   (prints the summary as well)
"""
import argparse
import collections
import re
import sys

POINT = re.compile(r"^C '(.*)' (\d+)$")
KINDS = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle"}


def parse(path):
    """Points as {(kind, module, key): [count, fields]}; raises ValueError on a malformed file."""
    points = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, text in enumerate(f, 1):
            text = text.rstrip("\n")
            if not text or text.startswith("#"):
                continue
            match = POINT.match(text)
            if not match:
                raise ValueError(f"{path}:{number}: not a coverage point: {text[:60]!r}")
            fields = dict(item.split("\x02", 1) for item in match.group(1).split("\x01") if "\x02" in item)
            page = fields.get("page", "")
            kind = KINDS.get(page.split("/", 1)[0])
            if kind is None:
                continue  # another coverage type (user cover points): not ours to summarise
            # the module's name without Verilator's parameterisation suffix (cdma_rd__pi5 -> cdma_rd)
            module = page.split("/", 1)[1].split("__", 1)[0] if "/" in page else "?"
            key = tuple(sorted((k, v) for k, v in fields.items() if k != "h"))  # one point over every instance
            entry = points.setdefault((kind, module, key), [0, fields])
            entry[0] += int(match.group(2))
    return points


def lines_of(fields):
    """The source lines a line point covers: its linescov (S, e.g. '12-14,17') or its line number."""
    spec = fields.get("S") or fields.get("l", "")
    lines = set()
    for part in filter(None, spec.split(",")):
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def ranges(numbers):
    """[3, 4, 5, 9] -> '3-5, 9'."""
    out, numbers = [], sorted(numbers)
    start = prev = None
    for n in numbers + [None]:
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(out)


def summarize(points, source):
    stats = collections.defaultdict(lambda: {"line": [0, 0], "toggle": [0, 0]})
    executed = collections.defaultdict(set)
    unexecuted = collections.defaultdict(set)
    files = collections.defaultdict(set)
    for (kind, module, _), (count, fields) in points.items():
        stats[module][kind][1] += 1
        stats[module][kind][0] += count > 0
        if kind == "line":
            files[module].add(fields.get("f", "?"))
            (executed if count > 0 else unexecuted)[(module, fields.get("f", "?"))].update(lines_of(fields))

    def cell(covered, total):
        return ("-", "0/0") if total == 0 else (f"{100.0 * covered / total:.1f} %", f"{covered}/{total}")

    out = ["# RTL code coverage", "", f"From `{source}` (Verilator line and toggle coverage, merged over every harness run).", "",
           "| module | line % | line points covered/total | toggle % | toggle points covered/total |",
           "|---|---:|---:|---:|---:|"]
    totals = {"line": [0, 0], "toggle": [0, 0]}
    for module in sorted(stats):
        row = stats[module]
        for kind in totals:
            totals[kind][0] += row[kind][0]
            totals[kind][1] += row[kind][1]
        out.append(f"| {module} | {' | '.join(cell(*row['line']))} | {' | '.join(cell(*row['toggle']))} |")
    out.append(f"| **total** | {' | '.join(cell(*totals['line']))} | {' | '.join(cell(*totals['toggle']))} |")
    out += ["", "## Lines never executed", ""]
    never_any = False
    for module in sorted(stats):
        for path in sorted(files[module]):
            never = unexecuted[(module, path)] - executed[(module, path)]
            if never:
                never_any = True
                out.append(f"- {module} (`{path}`): {ranges(never)}")
    if not never_any:
        out.append("None: every line with a line point was executed.")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dat", help="merged coverage file (verilator_coverage --write)")
    parser.add_argument("--out", help="write the Markdown summary here too")
    args = parser.parse_args()
    try:
        points = parse(args.dat)
    except (OSError, ValueError) as e:
        print(f"rtl_coverage: {e}", file=sys.stderr)
        return 2
    if not points:
        print(f"rtl_coverage: {args.dat}: no line or toggle coverage points (not a coverage build?)", file=sys.stderr)
        return 2
    summary = summarize(points, args.dat)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(summary)
    sys.stdout.write(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
