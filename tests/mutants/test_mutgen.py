#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-test of the mutant generator (tests/mutants/mutgen.py); no harness, a few seconds.

  python3 tests/mutants/test_mutgen.py [--junit FILE]

Checks each operator on small SystemVerilog snippets, that assertions / checkers / declarations are
never mutated, that every candidate of the real rtl/ changes exactly one site, that sampling is
reproducible and covers every module, and that the schemata of every candidate at once reduce to
the original tokens when every guard is false (and to exactly one mutant when one guard is true).
"""
import os
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutgen  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

SNIPPET = """
module m (input logic clk, input logic [7:0] a, input logic [7:0] b, output logic [7:0] y,
          output logic z);
  localparam int unsigned W = 8 + 1;   // not a site
  logic [7:0] cnt_q;
  assign y = a + 8'd3;   // a comment with a < b && c
  assign z = (a < b) && b[0] ? 1'b1 : 1'b0;
  always_ff @(posedge clk) begin
    if (a == b || z) cnt_q <= cnt_q - 1;
    else cnt_q <= a & b;
  end
`ifndef SYNTHESIS
  assign chk = a + 1;   // a checker's helper: not a site
  always_ff @(posedge clk) begin
    a_never: assert (a <= b) else $error("x %d", a + 1);
  end
`endif
  initial if (a > 1) $display("no");
endmodule
"""


def snippet_tree(text=SNIPPET):
    d = tempfile.mkdtemp()
    os.makedirs(os.path.join(d, "rtl"))
    with open(os.path.join(d, "rtl", "m.sv"), "w") as f:
        f.write(text)
    return mutgen.load(d)


def mutated(tree, **filters):
    return sorted((m.op, m.note, m.text) for m in tree.mutants
                  if all(getattr(m, k) == v for k, v in filters.items()))


def texts(tree, op):
    return {m.text for m in tree.mutants if m.op == op}


def reduce_guards(toks, choose):
    """Token texts of a schemata file with every `((mutant_id == K) ? (M) : E)` replaced by M when
    choose(K) else by E."""
    out, i = [], 0
    head = ["(", "(", "dma_pkg", "::", "mutant_id", "=="]
    while i < len(toks):
        if [t.text for t in toks[i:i + 6]] == head:
            k = int(toks[i + 6].text)
            assert toks[i + 7].text == ")" and toks[i + 8].text == "?" and toks[i + 9].text == "("
            m_end = mutgen.matching(toks, i + 9)
            assert toks[m_end + 1].text == ":"
            outer_end = mutgen.matching(toks, i)
            if choose(k):
                out += reduce_guards(toks[i + 9:m_end + 1], choose)
            else:
                out += reduce_guards(toks[m_end + 2:outer_end], choose)
            i = outer_end + 1
            continue
        out.append(toks[i].text)
        i += 1
    return out


SCHEMATA_ADDITIONS = (
    "\n  int unsigned mutant_id;  // mutant schemata: 0 = the original",
    '  // mutant schemata: the mutant this run simulates (+mutant=K; 0 = the original design)\n'
    '  initial if (!$value$plusargs("mutant=%d", dma_pkg::mutant_id)) dma_pkg::mutant_id = 0;\n',
)


def strip_additions(text):
    for a in SCHEMATA_ADDITIONS:
        text = text.replace(a, "")
    return text


def expected_tokens(tree, rel, sites, replace=None):
    """The original tokens of rel with every site in `sites` wrapped in ( ), the site `replace[0]`
    replaced by the text replace[1]."""
    toks = tree.toks[rel]
    starts = {lo: hi for lo, hi in sites}
    out, i = [], 0
    while i < len(toks):
        if i in starts:
            hi = starts[i]
            out.append("(")
            if replace and replace[0] == (i, hi):
                out += [t.text for t in mutgen.code_tokens(replace[1])]
            else:
                out += [t.text for t in toks[i:hi]]
            out.append(")")
            i = hi
            continue
        out.append(toks[i].text)
        i += 1
    return out


class Operators(unittest.TestCase):
    def setUp(self):
        self.tree = snippet_tree()

    def test_relational_swap_each_other_operator(self):
        self.assertEqual(texts(self.tree, "rel") & {"( a <= b ) && b [ 0 ] ? 1'b1 : 1'b0",
                                                    "( a > b ) && b [ 0 ] ? 1'b1 : 1'b0",
                                                    "( a >= b ) && b [ 0 ] ? 1'b1 : 1'b0"},
                         {"( a <= b ) && b [ 0 ] ? 1'b1 : 1'b0", "( a > b ) && b [ 0 ] ? 1'b1 : 1'b0",
                          "( a >= b ) && b [ 0 ] ? 1'b1 : 1'b0"})
        self.assertEqual(len(texts(self.tree, "rel")), 3)  # the assertion's a <= b is not a site

    def test_equality_flip(self):
        self.assertEqual(texts(self.tree, "eq"), {"a != b || z"})

    def test_logical_swap(self):
        self.assertEqual(texts(self.tree, "logic"), {"( a < b ) || b [ 0 ] ? 1'b1 : 1'b0", "a == b && z"})

    def test_negate_if_and_ternary_conditions(self):
        self.assertEqual({" ".join(t.split()) for t in texts(self.tree, "neg")},
                         {"!(a == b || z)", "!(( a < b ) && b [ 0 ]) ? 1'b1 : 1'b0"})

    def test_drop_each_operand_of_a_chain(self):
        self.assertEqual(texts(self.tree, "drop"),
                         {"a == b", "z", "b [ 0 ] ? 1'b1 : 1'b0", "( a < b ) ? 1'b1 : 1'b0"})

    def test_literal_off_by_one_keeps_size_and_base(self):
        self.assertEqual(texts(self.tree, "const"),
                         {"a + 8'd4", "a + 8'd2", "( a < b ) && b [ 1 ] ? 1'b1 : 1'b0",
                          "( a < b ) && b [ 0 ] ? 1'b0 : 1'b0", "( a < b ) && b [ 0 ] ? 1'b1 : 1'b1",
                          "cnt_q - 2", "cnt_q - 0"})

    def test_arith_and_bit_swaps_are_binary_only(self):
        self.assertEqual(texts(self.tree, "arith"), {"a - 8'd3", "cnt_q + 1"})
        self.assertEqual(texts(self.tree, "bit"), {"a | b"})

    def test_stuck_bit_on_register_updates_only(self):
        self.assertEqual(texts(self.tree, "stuck"),
                         {"(cnt_q - 1) | 1", "(cnt_q - 1) & ~1", "(a & b) | 1", "(a & b) & ~1"})

    def test_never_mutates_checkers_initial_or_declarations(self):
        lines = {m.line for m in self.tree.mutants}
        self.assertEqual(lines, {6, 7, 9, 10})
        self.assertFalse(any("chk" in m.orig or m.site.kind == "assign" and m.line > 12 for m in self.tree.mutants))

    def test_nonblocking_assignment_is_not_a_relational_operator(self):
        for m in self.tree.mutants:
            self.assertNotIn("cnt_q <", m.orig)

    def test_literal_variants(self):
        self.assertEqual(mutgen.literal_variants("4'hF"), ["4'h0", "4'he"])
        self.assertEqual(mutgen.literal_variants("0"), ["1"])
        self.assertEqual(mutgen.literal_variants("'0"), [])
        self.assertEqual(mutgen.literal_variants("32'd7"), ["32'd8", "32'd6"])


class RealTree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tree = mutgen.load(ROOT)

    def test_every_module_has_candidates_and_ids_are_stable(self):
        again = mutgen.load(ROOT)
        self.assertEqual([(m.id, m.file, m.line, m.text) for m in self.tree.mutants],
                         [(m.id, m.file, m.line, m.text) for m in again.mutants])
        self.assertEqual([m.id for m in self.tree.mutants], list(range(1, len(self.tree.mutants) + 1)))
        modules = {m.module for m in self.tree.mutants}
        rtl = {os.path.splitext(f)[0] for f in mutgen.rtl_files(ROOT)}
        self.assertEqual(modules, rtl)

    def test_every_operator_occurs(self):
        self.assertEqual({m.op for m in self.tree.mutants}, set(mutgen.OPERATORS))

    def test_sampling_is_reproducible_and_stratified(self):
        a = mutgen.sample(self.tree.mutants, 120, 7)
        b = mutgen.sample(self.tree.mutants, 120, 7)
        c = mutgen.sample(self.tree.mutants, 120, 8)
        self.assertEqual([m.id for m in a], [m.id for m in b])
        self.assertNotEqual([m.id for m in a], [m.id for m in c])
        self.assertEqual(len(a), 120)
        self.assertEqual(len({m.id for m in a}), 120)
        per = {}
        for m in a:
            per[m.module] = per.get(m.module, 0) + 1
        all_modules = {m.module for m in self.tree.mutants}
        self.assertEqual(set(per), all_modules)
        self.assertGreaterEqual(min(per.values()), 3)

    def test_modules_restrict_the_sample(self):
        pool = mutgen.of_modules(self.tree.mutants, ["iommu", " cdma_regs", "cdma"])
        self.assertEqual({m.module for m in pool}, {"iommu", "cdma_regs", "cdma"})
        self.assertEqual(len(pool), sum(1 for m in self.tree.mutants if m.module in ("iommu", "cdma_regs", "cdma")))
        a = mutgen.sample(pool, 40, 5)
        self.assertEqual([m.id for m in a], [m.id for m in mutgen.sample(pool, 40, 5)])
        self.assertEqual(len(a), 40)
        per = {}
        for m in a:
            per[m.module] = per.get(m.module, 0) + 1
        self.assertEqual(set(per), {"iommu", "cdma_regs", "cdma"})
        self.assertGreaterEqual(min(per.values()), 3)
        for bad in (["iommu", "nosuch"], [], [" ", ""]):
            with self.assertRaises(ValueError):
                mutgen.of_modules(self.tree.mutants, bad)

    def test_run_modules_option(self):
        run = os.path.join(ROOT, "tests", "mutants", "run")
        ok = subprocess.run([sys.executable, run, "--dry-run", "--modules", "cdma,cosim_top", "--mutants", "8"],
                            capture_output=True, text=True, timeout=120)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        rows = [line.split() for line in ok.stdout.splitlines()[1:]]
        self.assertEqual(len(rows), 8)
        self.assertEqual({r[1] for r in rows}, {"cdma", "cosim_top"})
        for argv, why in ((["--modules", "cdma,nosuch"], "nosuch"), (["--modules", ","], "no module"),
                          (["--modules", "cdma", "--ids", "3"], "exclude")):
            bad = subprocess.run([sys.executable, run, "--dry-run"] + argv, capture_output=True, text=True, timeout=120)
            self.assertEqual(bad.returncode, 2, argv)
            self.assertIn(why, bad.stderr)

    def test_every_mutant_changes_its_site_only(self):
        for m in self.tree.mutants:
            toks = self.tree.toks[m.file]
            self.assertNotEqual([t.text for t in mutgen.code_tokens(m.text)],
                                [t.text for t in toks[m.site.lo:m.site.hi]], mutgen.diff_line(m))
            self.assertEqual(m.orig, mutgen.render(toks, m.site.lo, m.site.hi))

    def test_schemata_with_every_guard_false_is_the_original(self):
        by_file = {}
        for m in self.tree.mutants:
            by_file.setdefault(m.file, []).append(m)
        for rel, ms in by_file.items():
            text, _ = mutgen.schemata_text(self.tree, rel, ms)
            toks = mutgen.code_tokens(strip_additions(text))
            sites = sorted({(m.site.lo, m.site.hi) for m in ms})
            self.assertEqual(reduce_guards(toks, lambda k: False), expected_tokens(self.tree, rel, sites), rel)

    def test_schemata_with_one_guard_true_is_that_mutant(self):
        ms = mutgen.sample(self.tree.mutants, 150, 3)
        by_file = {}
        for m in ms:
            by_file.setdefault(m.file, []).append(m)
        for rel, mine in by_file.items():
            text, _ = mutgen.schemata_text(self.tree, rel, mine)
            toks = mutgen.code_tokens(strip_additions(text))
            sites = sorted({(m.site.lo, m.site.hi) for m in mine})
            for m in mine:
                want = expected_tokens(self.tree, rel, sites, ((m.site.lo, m.site.hi), m.text))
                self.assertEqual(reduce_guards(toks, lambda k, m=m: k == m.id), want, mutgen.diff_line(m))

    def test_schemata_select_the_mutant_in_cosim_top(self):
        text, _ = mutgen.schemata_text(self.tree, "rtl/cosim_top.sv", [])
        self.assertIn('$value$plusargs("mutant=%d", dma_pkg::mutant_id)', text)
        text, _ = mutgen.schemata_text(self.tree, "rtl/dma_pkg.sv", [])
        self.assertIn("int unsigned mutant_id;", text)


def junit(result, path, seconds, name="mutgen"):
    suite = ET.Element("testsuite", name=name, tests=str(result.testsRun),
                       failures=str(len(result.failures)), errors=str(len(result.errors)),
                       skipped=str(len(result.skipped)), time=f"{seconds:.3f}")
    bad = {id(t): ("failure", msg) for t, msg in result.failures}
    bad.update({id(t): ("error", msg) for t, msg in result.errors})
    for t in result.ran:
        case = ET.SubElement(suite, "testcase", classname=type(t).__name__, name=t._testMethodName)
        if id(t) in bad:
            kind, msg = bad[id(t)]
            ET.SubElement(case, kind, message=msg.strip().splitlines()[-1]).text = msg
    ET.ElementTree(ET.Element("testsuites")).getroot().append(suite)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


class Recording(unittest.TextTestResult):
    def startTest(self, test):
        super().startTest(test)
        self.ran = getattr(self, "ran", []) + [test]


def run_main(module, name):
    """Runs a module's tests; `--junit FILE` writes their JUnit XML (read by `make test`). Exits."""
    path = None
    if len(sys.argv) >= 3 and sys.argv[1] == "--junit":
        path = sys.argv[2]
        del sys.argv[1:3]
    start = time.monotonic()
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(resultclass=Recording, verbosity=1).run(suite)
    if path:
        junit(result, path, time.monotonic() - start, name)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    run_main(sys.modules[__name__], "mutgen")
