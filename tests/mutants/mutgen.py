#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mechanical RTL mutants and their schemata (docs/verification.md, "Mutation score").

A small SystemVerilog tokenizer (comments and strings are trivia) finds the mutation sites of the
synthesizable code: the right-hand side of every `assign` and of every procedural assignment in an
always block or function, every `if (...)` condition and every `return` expression. Assertions,
`ifndef SYNTHESIS` checkers, `initial` blocks, declarations and generate conditions are never
mutated. Every mutant is one change of one site; mutant ids number every candidate of the tree in
source order (stable for a given source tree), a sample is drawn from a seed, stratified by module.

The schemata copy of rtl/ wraps every sampled site as
    ((dma_pkg::mutant_id == K) ? (mutated) : (original))
(nested for several mutants of one site); cosim_top sets dma_pkg::mutant_id from the plusarg
+mutant=K (0 = the original design), which the mutant harness takes from DMACOSIM_MUTANT.

Python 3 standard library only.  `python3 tests/mutants/mutgen.py list` prints every candidate.
"""
import os
import random
import re
import sys
from dataclasses import dataclass, field

OPERATORS = (
    "rel",      # relational swap: < <= > >= (each into the other three)
    "eq",       # == <-> !=
    "logic",    # && <-> ||
    "neg",      # negate an if / ternary condition
    "drop",     # drop one operand of a top-level && / || chain
    "const",    # integer literal +1 / -1
    "arith",    # binary + <-> -
    "bit",      # binary & <-> |
    "stuck",    # register bit 0 stuck: rhs of an X_q <= update -> (rhs) | 1, (rhs) & ~1
)

MUTANT_VAR = "dma_pkg::mutant_id"

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:\\.|[^"\\])*")
  | (?P<directive>`[A-Za-z_]\w*)
  | (?P<number>(?:\d[\d_]*)?\s*'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ?_]+|'[01xXzZ](?![\w'])|\d[\d_]*(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][\w$]*|\$[A-Za-z_]\w*|\\\S+)
  | (?P<op>\+:|-:|<<<|>>>|===|!==|==|!=|<=|>=|&&|\|\||<<|>>|->|::|\+\+|--|\+=|-=|'\{|[-+*/%<>=!~&|^?:;,.#@(){}\[\]'])
""", re.S | re.X)


@dataclass
class Tok:
    kind: str
    text: str
    start: int   # char offset in the file
    line: int


def tokenize(text):
    """Every token of text (trivia included), or ValueError at the first character it cannot read."""
    toks, pos, line = [], 0, 1
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise ValueError(f"line {line}: cannot tokenize {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        toks.append(Tok(kind, m.group(), pos, line))
        line += m.group().count("\n")
        pos = m.end()
    return toks


def code_tokens(text):
    """The tokens that matter (no whitespace, comments or strings)."""
    return [t for t in tokenize(text) if t.kind not in ("ws", "comment")]


@dataclass
class Site:
    """One mutable expression: tokens [lo, hi) of the file's code tokens."""
    file: str
    module: str
    lo: int
    hi: int
    kind: str          # assign | proc | if | return
    lhs: str = ""      # the assigned name (proc/assign)


@dataclass
class Mutant:
    id: int
    file: str
    module: str
    line: int
    op: str
    site: Site
    text: str          # the mutated expression (code text)
    orig: str          # the original expression (code text)
    note: str = ""     # what changed, e.g. "< -> <="


OPEN = {"(": ")", "[": "]", "{": "}", "'{": "}"}
CLOSE = {")", "]", "}"}
DECL_WORDS = {"logic", "bit", "int", "integer", "reg", "wire", "byte", "shortint", "longint",
              "automatic", "static", "localparam", "parameter", "genvar", "typedef", "var", "unsigned"}
SKIP_STMT = {"assert", "assume", "cover", "for", "foreach", "while", "repeat", "forever", "case",
             "casez", "casex", "unique", "unique0", "priority"}


def _scan(toks, i, stop, what):
    """Index of the first token at or after i where stop(text, depth after it) holds; brackets nest."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j].text
        if t in OPEN:
            depth += 1
        elif t in CLOSE:
            depth -= 1
        if stop(t, depth):
            return j
    raise ValueError(f"line {toks[i].line}: {what}")


def matching(toks, i):
    """Index of the bracket closing toks[i]."""
    return _scan(toks, i, lambda t, depth: t in CLOSE and depth == 0, f"unbalanced {toks[i].text}")


def until_semicolon(toks, i):
    """Index of the first depth-0 ';' at or after i."""
    return _scan(toks, i, lambda t, depth: t == ";" and depth == 0, "no ';'")


def skip_regions(toks):
    """Indexes of tokens under `ifndef SYNTHESIS (the checkers), and the directive tokens themselves."""
    skipped, stack = set(), []
    for i, t in enumerate(toks):
        if t.kind == "directive":
            skipped.add(i)
            if t.text in ("`ifdef", "`ifndef"):
                stack.append(t.text == "`ifndef" and i + 1 < len(toks) and toks[i + 1].text == "SYNTHESIS")
                skipped.add(i + 1)
            elif t.text == "`else" and stack:
                stack[-1] = False if stack[-1] else stack[-1]
            elif t.text == "`endif" and stack:
                stack.pop()
            continue
        if any(stack):
            skipped.add(i)
    return skipped


def find_sites(path, toks):
    """The mutation sites of one file's code tokens."""
    sites, skipped = [], skip_regions(toks)
    unit = None
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if i in skipped:
            i += 1
            continue
        if t.text in ("module", "package"):
            unit = toks[i + 1].text if toks[i + 1].text not in ("automatic", "static") else toks[i + 2].text
        elif t.text in ("initial", "final"):
            i = skip_statement(toks, i + 1)
            continue
        elif t.text == "assign":
            end = until_semicolon(toks, i)
            eq = next(j for j in range(i, end) if toks[j].text == "=")
            lhs = toks[i + 1].text
            if not lhs.startswith("unused") and end > eq + 1:
                sites.append(Site(path, unit, eq + 1, end, "assign", lhs))
            i = end + 1
            continue
        elif t.text in ("always_comb", "always_ff", "always_latch", "always"):
            j = i + 1
            if toks[j].text == "@":
                j = matching(toks, j + 1) + 1
            end = skip_statement(toks, j)
            procedural(path, unit, toks, j, end, skipped, sites)
            i = end
            continue
        elif t.text in ("function", "task"):
            end = next(j for j in range(i, n) if toks[j].text in ("endfunction", "endtask"))
            # the header ends at the first ';' (ports in parentheses before it)
            body = until_semicolon(toks, i) + 1
            procedural(path, unit, toks, body, end, skipped, sites)
            i = end + 1
            continue
        i += 1
    return sites


def skip_statement(toks, i):
    """Index after the statement starting at i (a begin..end block or up to ';')."""
    if toks[i].text == "begin":
        depth = 0
        for j in range(i, len(toks)):
            if toks[j].text in ("begin", "fork"):
                depth += 1
            elif toks[j].text in ("end", "join", "join_any", "join_none"):
                depth -= 1
                if depth == 0:
                    return j + 1
        raise ValueError(f"line {toks[i].line}: no end")
    return until_semicolon(toks, i) + 1


def procedural(path, unit, toks, lo, hi, skipped, sites):
    """Sites of a procedural region [lo, hi): assignments' rhs, if conditions, return values."""
    i, stmt_start = lo, True
    while i < hi:
        t = toks[i].text
        if i in skipped:
            i += 1
            continue
        if t in ("if",) and toks[i + 1].text == "(":
            close = matching(toks, i + 1)
            sites.append(Site(path, unit, i + 2, close, "if"))
            i, stmt_start = close + 1, True
            continue
        if t in ("begin", "end", "else", ";", "default"):
            stmt_start = True
            if t == "begin" and toks[i + 1].text == ":":
                i += 2
            i += 1
            continue
        if t == ":" and not stmt_start:
            stmt_start = True  # a case item label
            i += 1
            continue
        if not stmt_start:
            i += 1
            continue
        # a statement starts here
        stmt_start = False
        if t in SKIP_STMT or t.startswith("$") or t in DECL_WORDS or (t.startswith("a_") and toks[i + 1].text == ":"):
            if t in ("case", "casez", "casex", "unique", "unique0", "priority"):
                while toks[i].text != "(":
                    i += 1
                i, stmt_start = matching(toks, i) + 1, True  # the items follow
            elif t in ("for", "foreach", "while", "repeat"):
                i, stmt_start = matching(toks, i + 1) + 1, True
            elif t == "forever":
                i, stmt_start = i + 1, True
            else:
                i = until_semicolon(toks, i) + 1
                stmt_start = True
            continue
        if t == "return":
            end = until_semicolon(toks, i)
            if end > i + 1:
                sites.append(Site(path, unit, i + 1, end, "return"))
            i, stmt_start = end + 1, True
            continue
        end = until_semicolon(toks, i)
        depth = 0
        for j in range(i, end):
            tt = toks[j].text
            if tt in OPEN:
                depth += 1
            elif tt in CLOSE:
                depth -= 1
            elif depth == 0 and tt in ("=", "<="):
                lhs = toks[i].text
                if end > j + 1 and not lhs.startswith("unused"):
                    sites.append(Site(path, unit, j + 1, end, "proc" if tt == "=" else "nba", lhs))
                break
        i, stmt_start = end + 1, True


# ------------------------------------------------------------------------------------------------
# Operators on one site's tokens
# ------------------------------------------------------------------------------------------------
OPERAND_END = {")", "]", "}"}


def is_operand_end(tok):
    return tok.kind in ("ident", "number") or tok.text in OPERAND_END


def bracket_has_range(toks, lo, hi):
    """For every token index in [lo, hi): True when it lies inside a [..] holding a ':' (a part
    select or a width) or in the width of a cast (W)'(..): constant, not a run-time value."""
    inside = [False] * (hi - lo)
    for i in range(lo, hi):
        if toks[i].text == "'" and toks[i - 1].text == ")":
            depth, j = 0, i - 1
            while j >= lo:
                if toks[j].text in CLOSE:
                    depth += 1
                elif toks[j].text in OPEN:
                    depth -= 1
                    if depth == 0:
                        break
                j -= 1
            for k in range(max(j, lo), i):
                inside[k - lo] = True
    i = lo
    while i < hi:
        if toks[i].text == "[":
            close = matching(toks, i)
            depth, ranged = 0, False
            for j in range(i + 1, close):
                if toks[j].text in OPEN:
                    depth += 1
                elif toks[j].text in CLOSE:
                    depth -= 1
                elif depth == 0 and toks[j].text in (":", "+:", "-:"):
                    ranged = True
            if ranged:
                for j in range(i, close + 1):
                    inside[j - lo] = True
        i += 1
    return inside


def literal_variants(text):
    """The +1 / -1 neighbours of an integer literal, same size and base; [] if not decimal/hex/binary."""
    m = re.fullmatch(r"(\d+)?\s*'([sS]?)([dDhHbB])\s*([0-9a-fA-F_]+)", text)
    if m:
        size = int(m.group(1)) if m.group(1) else None
        base = {"d": 10, "h": 16, "b": 2}[m.group(3).lower()]
        value = int(m.group(4).replace("_", ""), base)
        out = []
        for v in (value + 1, value - 1):
            if size is not None:
                v %= 1 << size
            if v < 0 or v == value:
                continue
            digits = {10: str(v), 16: format(v, "x"), 2: format(v, "b")}[base]
            out.append(f"{m.group(1) or ''}'{m.group(2)}{m.group(3)}{digits}")
        return list(dict.fromkeys(out))
    if re.fullmatch(r"\d[\d_]*", text):
        value = int(text.replace("_", ""))
        return [str(v) for v in (value + 1, value - 1) if v >= 0]
    return []


def ternary_conditions(toks, lo, hi):
    """(start, end) token ranges of every ternary condition in [lo, hi)."""
    out = []
    for q in range(lo, hi):
        if toks[q].text != "?":
            continue
        depth, j = 0, q - 1
        while j >= lo:
            t = toks[j].text
            if t in CLOSE:
                depth += 1
            elif t in OPEN:
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t in (",", "?", ":"):
                break
            j -= 1
        if j + 1 < q:
            out.append((j + 1, q))
    return out


def split_top(toks, lo, hi):
    """Operands of the lowest-precedence && / || chain at depth 0 of [lo, hi), as (lo, hi) ranges;
    [] when the range is not such a chain (or a ternary at depth 0)."""
    depth, ors, ands = 0, [], []
    for j in range(lo, hi):
        t = toks[j].text
        if t in OPEN:
            depth += 1
        elif t in CLOSE:
            depth -= 1
        elif depth == 0:
            if t in ("?", ":"):
                return []
            if t == "||":
                ors.append(j)
            elif t == "&&":
                ands.append(j)
    seps = ors or ands
    if not seps:
        return []
    bounds = [lo - 1] + seps + [hi]
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]


def render(toks, lo, hi, repl=None):
    """Code text of tokens [lo, hi), with repl {index: text} substituted (index -> None: dropped)."""
    parts = []
    for j in range(lo, hi):
        text = toks[j].text if not repl or j not in repl else repl[j]
        if text is not None and text != "":
            parts.append(text)
    return " ".join(parts)


def site_mutations(toks, s):
    """(op, note, mutated text) of one site, in a fixed order."""
    lo, hi = s.lo, s.hi
    out = []
    ranged = bracket_has_range(toks, lo, hi)
    for j in range(lo, hi):
        t = toks[j]
        prev = toks[j - 1] if j > lo else None
        binary = prev is not None and is_operand_end(prev)
        if t.text in ("<", "<=", ">", ">=") and binary:
            for other in ("<", "<=", ">", ">="):
                if other != t.text:
                    out.append(("rel", f"{t.text} -> {other}", render(toks, lo, hi, {j: other})))
        elif t.text in ("==", "!="):
            other = "!=" if t.text == "==" else "=="
            out.append(("eq", f"{t.text} -> {other}", render(toks, lo, hi, {j: other})))
        elif t.text in ("&&", "||"):
            other = "||" if t.text == "&&" else "&&"
            out.append(("logic", f"{t.text} -> {other}", render(toks, lo, hi, {j: other})))
        elif t.text in ("+", "-") and binary and not ranged[j - lo]:
            other = "-" if t.text == "+" else "+"
            out.append(("arith", f"{t.text} -> {other}", render(toks, lo, hi, {j: other})))
        elif t.text in ("&", "|") and binary:
            other = "|" if t.text == "&" else "&"
            out.append(("bit", f"{t.text} -> {other}", render(toks, lo, hi, {j: other})))
        elif t.kind == "number" and not ranged[j - lo]:
            nxt = toks[j + 1].text if j + 1 < len(toks) else ""
            if nxt in ("'", "{", "'{"):
                continue  # a cast width or a replication count
            for v in literal_variants(t.text):
                out.append(("const", f"{t.text} -> {v}", render(toks, lo, hi, {j: v})))
    conds = ([(lo, hi)] if s.kind == "if" else []) + ternary_conditions(toks, lo, hi)
    for a, b in conds:
        out.append(("neg", f"negate {render(toks, a, b)}",
                    render(toks, lo, a) + " !(" + render(toks, a, b) + ") " + render(toks, b, hi)))
    chains = [(lo, hi)] + [(a, b) for a, b in conds if (a, b) != (lo, hi)]
    for a, b in chains:
        operands = split_top(toks, a, b)
        for k, (x, y) in enumerate(operands):
            # drop operand k and the operator next to it
            drop = {j: None for j in range(x, y)}
            drop[y if k == 0 else x - 1] = None
            out.append(("drop", f"drop {render(toks, x, y)}", render(toks, lo, hi, drop)))
    single = hi - lo == 1 and (toks[lo].kind == "number" or toks[lo].text.isupper())
    if s.kind == "nba" and s.lhs.endswith("_q") and not single:
        # (a lone literal or constant: a reset value, which the const operator covers)
        orig = render(toks, lo, hi)
        out.append(("stuck", "bit 0 stuck at 1", f"({orig}) | 1"))
        out.append(("stuck", "bit 0 stuck at 0", f"({orig}) & ~1"))
    seen, unique = set(), []
    for m in out:
        if m[2] not in seen and m[2] != render(toks, lo, hi):
            seen.add(m[2])
            unique.append(m)
    return unique


# ------------------------------------------------------------------------------------------------
# The tree: every candidate, sampling, schemata
# ------------------------------------------------------------------------------------------------
@dataclass
class Tree:
    root: str
    files: dict = field(default_factory=dict)    # rel path -> text
    toks: dict = field(default_factory=dict)     # rel path -> code tokens
    mutants: list = field(default_factory=list)  # every candidate, id = index + 1


def rtl_files(root):
    return sorted(f for f in os.listdir(os.path.join(root, "rtl")) if f.endswith(".sv"))


def load(root):
    """Every mutant candidate of root/rtl/*.sv, numbered 1.. in (file, position, operator) order."""
    tree = Tree(root)
    for name in rtl_files(root):
        rel = os.path.join("rtl", name)
        with open(os.path.join(root, rel)) as f:
            text = f.read()
        tree.files[rel] = text
        toks = code_tokens(text)
        tree.toks[rel] = toks
        for s in find_sites(rel, toks):
            orig = render(toks, s.lo, s.hi)
            for op, note, mutated in site_mutations(toks, s):
                tree.mutants.append(Mutant(len(tree.mutants) + 1, rel, s.module, toks[s.lo].line, op, s,
                                           mutated, orig, note))
    return tree


def of_modules(mutants, modules):
    """The mutants of the named modules only (each name a module of the tree, i.e. an rtl/*.sv file's
    stem). Raises ValueError naming every unknown module, or when no module is named."""
    wanted = [m.strip() for m in modules if m.strip()]
    known = sorted({m.module for m in mutants})
    unknown = sorted(set(wanted) - set(known))
    if not wanted:
        raise ValueError(f"no module named; known: {', '.join(known)}")
    if unknown:
        raise ValueError(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [m for m in mutants if m.module in set(wanted)]


def sample(mutants, count, seed, minimum=3):
    """count mutants drawn from seed, stratified by module: each module gets a share proportional to
    its candidates and at least `minimum` (or all it has). Sorted by id."""
    rng = random.Random(seed)
    by_module = {}
    for m in mutants:
        by_module.setdefault(m.module, []).append(m)
    total = len(mutants)
    if count >= total:
        return list(mutants)
    quota = {mod: min(len(ms), max(minimum, round(count * len(ms) / total))) for mod, ms in sorted(by_module.items())}
    # trim or top up the largest shares until the total is count (never below the minimum)
    while sum(quota.values()) > count:
        mod = max((m for m in quota if quota[m] > minimum), key=lambda m: (quota[m], m), default=None)
        if mod is None:
            break
        quota[mod] -= 1
    while sum(quota.values()) < count:
        mod = max((m for m in quota if quota[m] < len(by_module[m])),
                  key=lambda m: (len(by_module[m]) - quota[m], m))
        quota[mod] += 1
    chosen = []
    for mod in sorted(quota):
        chosen += rng.sample(by_module[mod], quota[mod])
    return sorted(chosen, key=lambda m: m.id)


def guard(k):
    return f"({MUTANT_VAR} == {k})"


def schemata_text(tree, rel, mutants):
    """File rel with every mutant in `mutants` (all of that file) wrapped in at its site; the
    original text stays byte for byte outside the sites. Returns (text, {id: (first, last line)})."""
    text, toks = tree.files[rel], tree.toks[rel]
    by_site = {}
    for m in mutants:
        by_site.setdefault((m.site.lo, m.site.hi), []).append(m)
    pieces, pos, lines = [], 0, {}
    out_line = 1
    for (lo, hi) in sorted(by_site):
        start = toks[lo].start
        end = toks[hi - 1].start + len(toks[hi - 1].text)
        pieces.append(text[pos:start])
        out_line += text[pos:start].count("\n")
        expr = "(" + text[start:end] + ")"
        for m in by_site[(lo, hi)]:
            expr = f"({guard(m.id)} ? ({m.text}) : {expr})"
        for m in by_site[(lo, hi)]:
            lines[m.id] = (out_line, out_line + expr.count("\n"))
        out_line += expr.count("\n")
        pieces.append(expr)
        pos = end
    pieces.append(text[pos:])
    out = "".join(pieces)
    if rel.endswith("dma_pkg.sv"):
        out = re.sub(r"(package\s+dma_pkg\s*;)", r"\1\n  int unsigned mutant_id;  // mutant schemata: 0 = the original", out, count=1)
    if rel.endswith("cosim_top.sv"):
        init = ('  // mutant schemata: the mutant this run simulates (+mutant=K; 0 = the original design)\n'
                '  initial if (!$value$plusargs("mutant=%d", dma_pkg::mutant_id)) dma_pkg::mutant_id = 0;\n')
        k = out.rindex("endmodule")
        out = out[:k] + init + out[k:]
    return out, lines


def write_schemata(tree, mutants, out_dir):
    """The schemata copy of rtl/ under out_dir/rtl; returns {id: (file, first line, last line)}."""
    os.makedirs(os.path.join(out_dir, "rtl"), exist_ok=True)
    where = {}
    for rel in tree.files:
        mine = [m for m in mutants if m.file == rel]
        text, lines = schemata_text(tree, rel, mine)
        with open(os.path.join(out_dir, rel), "w") as f:
            f.write(text)
        for k, (a, b) in lines.items():
            where[k] = (rel, a, b)
    return where


def diff_line(m):
    """One line: what the mutant changed."""
    return f"{m.file}:{m.line} [{m.op}] {m.note}: {m.orig}  =>  {m.text}"


def main(argv):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if len(argv) < 1 or argv[0] not in ("list", "stats"):
        print("usage: mutgen.py list|stats", file=sys.stderr)
        return 2
    tree = load(root)
    if argv[0] == "list":
        for m in tree.mutants:
            print(f"{m.id:5d} {m.module:20s} {diff_line(m)}")
    else:
        per = {}
        for m in tree.mutants:
            per.setdefault(m.module, {}).setdefault(m.op, 0)
            per[m.module][m.op] += 1
        for mod, ops in sorted(per.items()):
            print(f"{mod:20s} {sum(ops.values()):5d}  " + " ".join(f"{k}={v}" for k, v in sorted(ops.items())))
        print(f"total {len(tree.mutants)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
