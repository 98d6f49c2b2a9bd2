#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every source file carries the project's licence line: `SPDX-License-Identifier: MIT` (LICENSE).

  python3 tests/spdx.py            check: list each file without the line (or with another one), exit 1
  python3 tests/spdx.py --fix      add the line where it is missing, rewrite any other SPDX line to it
  python3 tests/spdx.py [--fix] FILE...   only these files

Source files: under rtl/ cosim/ csharp/ tests/ .ci/, every .sv .svh .h .hpp .cpp .cc .cs .py .sh
.mk, every Makefile and every file starting with `#!`; and the root Makefile. Data (.patch,
.msgpack, corpus files) is not source. The line is the file's first line, or its second after a
`#!` line, in the file's comment syntax (`//` or `#`). --fix is idempotent: a conforming file is
never rewritten, and a second run changes nothing.
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LICENSE = "MIT"
TREES = ("rtl", "cosim", "csharp", "tests", ".ci")
ROOT_FILES = ("Makefile",)
SLASH = {".sv", ".svh", ".h", ".hpp", ".cpp", ".cc", ".cs"}
HASH = {".py", ".sh", ".mk"}
SKIP_DIRS = {"bin", "obj", "__pycache__", "corpus", ".git"}
# an SPDX line in any comment syntax, near the top
SPDX_RE = re.compile(r"^\s*(//|#)\s*SPDX-License-Identifier:.*$")
HEAD_LINES = 5


def comment_of(path, first_line):
    """`//` or `#` for a source file, None for a file that is not source."""
    name = os.path.basename(path)
    ext = os.path.splitext(name)[1]
    if ext in SLASH:
        return "//"
    if ext in HASH or name == "Makefile" or first_line.startswith("#!"):
        return "#"
    return None


def source_files(root=ROOT):
    """Every source file of the trees, relative to root, sorted."""
    found = [f for f in ROOT_FILES if os.path.isfile(os.path.join(root, f))]
    for tree in TREES:
        for directory, dirs, files in os.walk(os.path.join(root, tree)):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in files:
                path = os.path.join(directory, name)
                if comment_of(path, first_line(path)):
                    found.append(os.path.relpath(path, root))
    return sorted(found)


def first_line(path):
    try:
        with open(path, "rb") as f:
            return f.readline(256).decode("utf-8", "replace")
    except OSError:
        return ""


def expected_header(lines, comment):
    """(index, line): where the SPDX line belongs and what it says."""
    index = 1 if lines and lines[0].startswith("#!") else 0
    return index, f"{comment} SPDX-License-Identifier: {LICENSE}\n"


def fixed(text, comment):
    """The text with exactly one correct SPDX line in its place (unchanged when it already conforms)."""
    if text.startswith("\ufeff"):   # a byte-order mark stays first
        return "\ufeff" + fixed(text[1:], comment)
    lines = text.splitlines(keepends=True)
    index, header = expected_header(lines, comment)
    if len(lines) > index and lines[index] == header and not any(
            SPDX_RE.match(l) for i, l in enumerate(lines[:HEAD_LINES]) if i != index):
        return text
    # drop every SPDX line of the head (another licence, another spelling), then insert ours
    kept = [l for i, l in enumerate(lines) if not (i < HEAD_LINES and SPDX_RE.match(l))]
    index, header = expected_header(kept, comment)
    if len(kept) == index and kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    return "".join(kept[:index] + [header] + kept[index:])


def problem(path):
    """Why path does not conform, or None."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    comment = comment_of(path, text.split("\n", 1)[0])
    if comment is None or fixed(text, comment) == text:
        return None
    lines = text.splitlines()
    index, header = expected_header(lines, comment)
    found = [l.strip() for l in lines[:HEAD_LINES] if SPDX_RE.match(l)]
    return f"has `{found[0]}`" if found else f"line {index + 1} is not `{header.strip()}`"


def fix(path):
    """Rewrites path to conform; True when it changed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    comment = comment_of(path, text.split("\n", 1)[0])
    new = fixed(text, comment) if comment else text
    if new == text:
        return False
    mode = os.stat(path).st_mode
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    os.chmod(path, mode)
    return True


def check(root=ROOT, files=None):
    """[(relative path, problem)] of every non-conforming source file."""
    files = files if files is not None else source_files(root)
    return [(f, p) for f in files if (p := problem(os.path.join(root, f)))]


def main(argv):
    do_fix = "--fix" in argv
    args = [a for a in argv if a != "--fix"]
    if any(a.startswith("-") for a in args):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files = [os.path.relpath(os.path.abspath(a), ROOT) for a in args] or source_files()
    if do_fix:
        changed = [f for f in files if fix(os.path.join(ROOT, f))]
        for f in changed:
            print(f"spdx: fixed {f}")
        print(f"spdx: {len(files)} files, {len(changed)} fixed")
        return 0
    bad = check(ROOT, files)
    for f, why in bad:
        print(f"spdx: {f}: {why}")
    print(f"spdx: {len(files)} files, {len(bad)} without `SPDX-License-Identifier: {LICENSE}`"
          + (" (python3 tests/spdx.py --fix)" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
