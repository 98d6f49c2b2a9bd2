#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The licence check (tests/spdx.py): the tree conforms, and the fixer adds, places and normalises.

  python3 tests/test_spdx.py [--junit FILE]
"""
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "mutants"))
import spdx  # noqa: E402
from test_mutgen import run_main  # noqa: E402  (the runner and JUnit writer `make test` already reads)


class TreeTest(unittest.TestCase):
    def test_every_source_file_carries_the_licence_line(self):
        bad = spdx.check()
        listed = "\n".join(f"  {f}: {why}" for f, why in bad[:20])
        self.assertFalse(bad, f"{len(bad)} files (python3 tests/spdx.py --fix):\n{listed}")

    def test_the_trees_are_searched(self):
        files = spdx.source_files()
        for expected in ("Makefile", "rtl/dma_pkg.sv", "cosim/main.cpp", "tests/spdx.py", ".ci/run",
                         "csharp/DmaCosim/Bridge/HarnessProcess.cs", "cosim/bench/bench_driver.mk"):
            self.assertIn(expected, files)
        self.assertFalse([f for f in files if f.endswith((".patch", ".msgpack", ".csproj"))])


class FixTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        os.makedirs(os.path.join(self.root, "rtl"))
        os.makedirs(os.path.join(self.root, "tests"))

    def tearDown(self):
        shutil.rmtree(self.root)

    def write(self, rel, text, mode=0o644):
        path = os.path.join(self.root, rel)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def read(self, rel):
        with open(os.path.join(self.root, rel), encoding="utf-8") as f:
            return f.read()

    def test_missing_line_is_found_then_added_in_the_files_comment_syntax(self):
        self.write("rtl/a.sv", "module a;\nendmodule\n")
        self.write("tests/b.py", "import os\n")
        self.write("tests/run", "#!/bin/sh\necho hi\n", 0o755)
        self.write("tests/data.patch", "--- a\n+++ b\n")
        self.assertEqual(["rtl/a.sv", "tests/b.py", "tests/run"], [f for f, _ in spdx.check(self.root)])
        for f in spdx.source_files(self.root):
            spdx.fix(os.path.join(self.root, f))
        self.assertEqual("// SPDX-License-Identifier: MIT\nmodule a;\nendmodule\n", self.read("rtl/a.sv"))
        self.assertEqual("# SPDX-License-Identifier: MIT\nimport os\n", self.read("tests/b.py"))
        self.assertEqual("#!/bin/sh\n# SPDX-License-Identifier: MIT\necho hi\n", self.read("tests/run"))
        self.assertEqual(0o755, os.stat(os.path.join(self.root, "tests/run")).st_mode & 0o777)
        self.assertEqual("--- a\n+++ b\n", self.read("tests/data.patch"))
        self.assertEqual([], spdx.check(self.root))

    def test_another_licence_or_a_misplaced_line_is_normalised_once(self):
        self.write("rtl/c.cpp", "// c.cpp\n// SPDX-License-Identifier: Apache-2.0\nint x;\n")
        self.write("tests/d.sh", "#!/bin/sh\n#SPDX-License-Identifier:  MIT\n# d\n")
        self.assertEqual(2, len(spdx.check(self.root)))
        self.assertIn("Apache-2.0", dict(spdx.check(self.root))["rtl/c.cpp"])
        self.assertTrue(spdx.fix(os.path.join(self.root, "rtl/c.cpp")))
        self.assertTrue(spdx.fix(os.path.join(self.root, "tests/d.sh")))
        self.assertEqual("// SPDX-License-Identifier: MIT\n// c.cpp\nint x;\n", self.read("rtl/c.cpp"))
        self.assertEqual("#!/bin/sh\n# SPDX-License-Identifier: MIT\n# d\n", self.read("tests/d.sh"))
        # idempotent: a second fix changes nothing
        self.assertFalse(spdx.fix(os.path.join(self.root, "rtl/c.cpp")))
        self.assertFalse(spdx.fix(os.path.join(self.root, "tests/d.sh")))

    def test_a_byte_order_mark_stays_first(self):
        self.write("rtl/f.cs", "\ufeffnamespace F;\n")
        self.assertTrue(spdx.fix(os.path.join(self.root, "rtl/f.cs")))
        self.assertEqual("\ufeff// SPDX-License-Identifier: MIT\nnamespace F;\n", self.read("rtl/f.cs"))
        self.assertEqual([], spdx.check(self.root))

    def test_a_conforming_file_is_not_rewritten(self):
        path = self.write("rtl/e.sv", "// SPDX-License-Identifier: MIT\nmodule e;\nendmodule\n")
        os.utime(path, (1, 1))
        self.assertFalse(spdx.fix(path))
        self.assertEqual(1, os.stat(path).st_mtime)


if __name__ == "__main__":
    run_main(sys.modules[__name__], "spdx")
