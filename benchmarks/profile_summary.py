"""Top entries of a py-spy profile in collapsed-stack ("raw") form.

    python benchmarks/profile_summary.py PROFILE.txt [--top 25] [--all]

For each function: *inclusive* (share of samples with the function anywhere on the
stack, counted once per sample) and *self* (share with it on top). Without ``--all``
only the project's own functions are listed (students/, requests/, audit/,
oso_portal/, elk_mock/, benchmarks/). ``--within NAME`` keeps only the samples with
NAME on the stack (for a worker: ``execute_task``, the time spent in tasks).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]*)(?::(?P<line>\d+))?\)$")
PROJECT = ("students/", "requests/", "audit/", "oso_portal/", "elk_mock/", "benchmarks/")


def _label(frame: str) -> tuple[str, str]:
    """(label, file) of one frame; the line number is dropped so a function is one entry."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), ""
    path = match.group("file")
    short = path
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in short:
            short = short.split(marker, 1)[1]
    return f"{match.group('function')} ({short})", short


def summarise(text: str, within: str = "") -> tuple[int, Counter, Counter, dict[str, str]]:
    """Samples, inclusive and self counts per function; ``within``: only stacks with it."""
    inclusive: Counter = Counter()
    self_time: Counter = Counter()
    files: dict[str, str] = {}
    total = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        if within and within not in stack:
            continue
        samples = int(count)
        total += samples
        labels = []
        for frame in stack.split(";"):
            label, file = _label(frame)
            files[label] = file
            labels.append(label)
        for label in set(labels):
            inclusive[label] += samples
        if labels:
            self_time[labels[-1]] += samples
    return total, inclusive, self_time, files


def report(path: Path, *, top: int = 25, everything: bool = False, within: str = "") -> str:
    total, inclusive, self_time, files = summarise(path.read_text(), within)
    if not total:
        return f"{path}: no samples"

    def ours(label: str) -> bool:
        return everything or files.get(label, "").startswith(PROJECT)

    scope = f" with {within} on the stack" if within else ""
    lines = [f"{path.name}: {total} samples{scope}", "inclusive  self  function"]
    for label, samples in inclusive.most_common():
        if not ours(label):
            continue
        lines.append(
            f"{100 * samples / total:8.1f}% {100 * self_time[label] / total:5.1f}%  {label}"
        )
        if len(lines) >= top + 2:
            break
    lines.append("top self time (any code):")
    for label, samples in self_time.most_common(top // 2):
        lines.append(f"{100 * samples / total:8.1f}%  {label}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--all", action="store_true", help="every function, not only ours")
    parser.add_argument("--within", default="", help="only samples with this on the stack")
    args = parser.parse_args()
    print(report(args.profile, top=args.top, everything=args.all, within=args.within))
    return 0


if __name__ == "__main__":
    sys.exit(main())
