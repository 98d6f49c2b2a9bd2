#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Sum the results of every test project and print one line: `tests: N passed, M failed`.

Reads the TRX files `dotnet test --logger trx` wrote into RESULTS_DIR (and its subdirectories), and
the JUnit XML files directly in RESULTS_DIR (GoogleTest's --gtest_output=xml; other XML there, such
as a blame sequence, is not JUnit and is ignored). A result set is named after its file without the
extension (`cpp-unit.xml` -> cpp-unit). A project named with --project that left no results (it
crashed or did not build) counts as one failure, so that a missing project can never look green.
Exits 1 when anything failed or nothing ran.
"""
import argparse
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
JUNIT_COUNTS = ("tests", "failures", "errors", "skipped", "disabled")


def junit_counts(root):
    """Counts of a JUnit root: its <testsuite> children summed, or its own attributes."""
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite") or [root]
    return {k: sum(int(suite.get(k, 0) or 0) for suite in suites) for k in JUNIT_COUNTS}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results_dir")
    parser.add_argument("--project", action="append", default=[], help="a project that must have results")
    args = parser.parse_args()

    passed = failed = 0
    seen = set()
    for path in sorted(glob.glob(os.path.join(args.results_dir, "**", "*.trx"), recursive=True)):
        counters = ET.parse(path).getroot().find(f"{NS}ResultSummary/{NS}Counters")
        if counters is None:
            print(f"summarize: {path} has no counters", file=sys.stderr)
            failed += 1
            continue
        seen.add(os.path.splitext(os.path.basename(path))[0])
        passed += int(counters.get("passed", 0))
        # everything that ran and did not pass is a failure (failed, error, timeout, aborted)
        failed += int(counters.get("executed", 0)) - int(counters.get("passed", 0))
        failed += int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    for path in sorted(glob.glob(os.path.join(args.results_dir, "*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            print(f"summarize: {path} is not valid XML ({e})", file=sys.stderr)
            failed += 1
            continue
        if root.tag not in ("testsuites", "testsuite"):
            continue  # not JUnit
        counts = junit_counts(root)
        seen.add(os.path.splitext(os.path.basename(path))[0])
        # skipped and disabled tests neither pass nor fail
        bad = counts["failures"] + counts["errors"]
        passed += counts["tests"] - bad - counts["skipped"] - counts["disabled"]
        failed += bad
    for project in args.project:
        if project not in seen:
            print(f"summarize: no results from {project} (crashed or not built)", file=sys.stderr)
            failed += 1
    print(f"tests: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
