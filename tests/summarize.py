#!/usr/bin/env python3
"""Sum the results of every test project and print one line: `tests: N passed, M failed`.

Reads the TRX files `dotnet test --logger trx` wrote into RESULTS_DIR. A project named with
--project that left no results (it crashed or did not build) counts as one failure, so that a
missing project can never look green. Exits 1 when anything failed or nothing ran.
"""
import argparse
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


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
    for project in args.project:
        if project not in seen:
            print(f"summarize: no results from {project} (crashed or not built)", file=sys.stderr)
            failed += 1
    print(f"tests: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
