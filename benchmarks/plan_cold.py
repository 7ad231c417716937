"""The first run after a plan changes (plan cache empty), this checkout against another, side by side.

Runs `validate` on a synthetic 100,000-row city and `summary -j 1` on a national root (benchmarks/
national.py --keep makes one), each with the plan cache emptied before every run, once with this
checkout and once with the other (--against, put first on PYTHONPATH), every run paired with a csv
module read of the same rows, the order alternating (benchmarks/measure.py). Prints the medians of
the pair ratios to the csv read, and of this checkout's time to the other's.

Usage: python benchmarks/plan_cold.py --against /tmp/before [--national DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import synth  # benchmarks/synth.py: the script's folder is on sys.path
from measure import Measured, paired  # benchmarks/measure.py

HERE = Path(__file__).resolve().parent.parent
CSV_READ = (
    "import csv, pathlib, sys\n"
    "for path in sorted(pathlib.Path(sys.argv[1], 'actuals').glob('*/*.csv')):\n"
    "    with path.open(newline='', encoding='utf-8') as f:\n"
    "        for row in csv.reader(f): pass\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="another checkout of kpicheck (the 'before')")
    parser.add_argument("--national", type=Path, help="a national root (benchmarks/national.py --keep DIR)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        city = Path(folder) / "city"
        written = synth.write_city(city, "bench", "試験市", max(1, args.rows // len(synth.YEARS)))
        roots = {"validate": city} | ({"summary -j 1": args.national} if args.national else {})
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base |= {"KPICHECK_MAX_FILE_MB": "1000", "NO_COLOR": "1"}
        for name, root in roots.items():
            command = {
                "validate": ["validate", "--root", str(root)],
                "summary -j 1": ["summary", "--root", str(root), "--year", "2027", "--format", "json", "-j", "1"],
            }[name]
            results: dict[str, Measured] = {"this": Measured(), "against": Measured()}
            checkouts = [("this", HERE), ("against", args.against.resolve())]
            for turn in range(args.runs):  # the two checkouts alternate, so both see the same load on the machine
                for label, checkout in checkouts if turn % 2 == 0 else checkouts[::-1]:
                    cache = Path(folder) / f"cache-{label}"
                    env = base | {"XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(checkout)}
                    more = paired(
                        {label: [sys.executable, "-m", "kpicheck", *command]},
                        [sys.executable, "-c", CSV_READ, str(root)],
                        1,
                        env,
                        folder,  # the working folder: no checkout there to shadow PYTHONPATH
                        before={label: lambda c=cache: shutil.rmtree(c, ignore_errors=True)},
                    )[label]
                    results[label].seconds += more.seconds
                    results[label].ratios += more.ratios
            this, other = results["this"], results["against"]
            pairs = statistics.median(a / b for a, b in zip(this.seconds, other.seconds, strict=True))
            mine, theirs = statistics.median(this.seconds), statistics.median(other.seconds)
            seconds = f"seconds: this {mine:.2f}, against {theirs:.2f}"
            print(
                f"{name} (cache empty, {written:,} rows in the city): this {statistics.median(this.ratios):.1f}x csv,"
                f" against {statistics.median(other.ratios):.1f}x csv; this/against {pairs:.2f} ({seconds})"
            )


if __name__ == "__main__":
    main()
