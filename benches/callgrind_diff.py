#!/usr/bin/env python3
"""Per-function difference of two callgrind files, per call (BENCHMARKS.md,
"Where the crate's instructions go").

    python3 benches/callgrind_diff.py CRATE.out FLOOR.out CALLS [--inclusive] [--top N]

CALLS is the number of calls in the measured region (40 for the small
operations, 10 for the list page: see benches/instructions.rs). Rows are
sorted by the size of the difference; "self" (the default) is each
function's own instructions, --inclusive adds its callees'. Needs
callgrind_annotate (part of valgrind).
"""

import argparse
import re
import subprocess

LINE = re.compile(r"\s*([\d,]+) \([ \d.]+%\)\s+(.*?)(?: \[[^\]]*\])?$")


def load(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--inclusive=" + ("yes" if inclusive else "no"), path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    functions = {}
    for line in out.splitlines():
        match = LINE.match(line)
        if not match or match.group(2) == "PROGRAM TOTALS":
            continue
        # "file:function" with file "???" (no debug info) or a path: keep the function.
        name = match.group(2)
        if name.startswith(("???:", "./", "/")):
            name = name.split(":", 1)[1]
        functions[name] = functions.get(name, 0) + int(match.group(1).replace(",", ""))
    return functions


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("crate")
    parser.add_argument("floor")
    parser.add_argument("calls", type=float)
    parser.add_argument("--inclusive", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    ours, theirs = load(args.crate, args.inclusive), load(args.floor, args.inclusive)
    names = sorted(set(ours) | set(theirs), key=lambda n: -abs(ours.get(n, 0) - theirs.get(n, 0)))
    print(f"{'crate':>10} {'floor':>10} {'diff':>9}  function (instructions per call)")
    for name in names[: args.top]:
        a, b = ours.get(name, 0) / args.calls, theirs.get(name, 0) / args.calls
        print(f"{a:10.0f} {b:10.0f} {a - b:+9.0f}  {name[:160]}")
    if not args.inclusive:
        a, b = sum(ours.values()) / args.calls, sum(theirs.values()) / args.calls
        print(f"{a:10.0f} {b:10.0f} {a - b:+9.0f}  (total)")


if __name__ == "__main__":
    main()
