"""Time `bidopt plan` end to end on a generated Zhitongche report, phase by phase, with peak memory.

    python benchmarks/plan_end_to_end.py [--keywords 10000] [--days 28] [--seed 1]

The report (GBK, Chinese headers, one row per keyword and day) is made by
``scenarios/make_sample.py``; the plan runs in a fresh child process so that the
peak resident memory printed is the plan's own (read, validate, estimate, build,
solve, explain, write), not the generator's. Target: 10,000 keywords x
28 days in under 10 s and under 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scenarios"))

CHILD = """
import json, re, sys, time
from pathlib import Path
from optimizer.outputs.files import write_all
from optimizer.decisions.plan import make_plan
from optimizer.scenario.scenario_file import load_scenario

start = time.perf_counter()
scenario = load_scenario(sys.argv[1])
result = make_plan(scenario)
clock = time.perf_counter()
write_all(Path(sys.argv[2]), result.files())
timings = dict(result.timings, write=time.perf_counter() - clock)
timings["total"] = time.perf_counter() - start
peak_kib = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"timings": timings, "units": len(result.bids), "rows": len(result.performance.frame),
                  "status": result.summary.status, "peak_kib": peak_kib}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from make_sample import make_keyword_report, write_ztc_csv

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        clock = time.perf_counter()
        report = make_keyword_report(args.keywords, args.days, seed=args.seed)
        write_ztc_csv(report, folder / "report.csv")
        last_week = report[report["date"] > report["date"].max() - __import__("pandas").Timedelta(days=7)]
        budget = round(float(last_week["spend"].sum()))
        (folder / "plan.toml").write_text(
            f'[data]\nreports = ["report.csv"]\n[goal]\nbudget = {budget}\nmin_roi = 2.0\n'
            '[bids]\nmin = 0.05\nmax = 20\n', encoding="utf-8")
        size = (folder / "report.csv").stat().st_size
        print(f"generated {len(report):,} rows ({size / 2**20:.1f} MiB, GBK) in {time.perf_counter() - clock:.1f} s")

        wall = time.perf_counter()
        child = subprocess.run([sys.executable, "-c", CHILD, str(folder / "plan.toml"), str(folder / "out")],
                               capture_output=True, text=True, check=False)
        wall = time.perf_counter() - wall
        if child.returncode != 0:
            sys.exit(f"plan failed:\n{child.stderr}")
        figures = json.loads(child.stdout)
        # the child's own high-water mark (VmHWM): its ru_maxrss would keep the generator's, through fork and exec
        peak_mib = figures["peak_kib"] / 1024

    print(f"planned {figures['units']:,} keywords from {figures['rows']:,} rows: {figures['status']}")
    for phase, seconds in figures["timings"].items():
        print(f"  {phase:<18} {seconds:7.2f} s")
    print(f"  {'process (wall)':<18} {wall:7.2f} s   (includes Python and library start-up)")
    print(f"peak memory (RSS) {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
