"""Time a 40-point efficient frontier against one plan on the same generated report.

    python benchmarks/frontier.py [--keywords 10000] [--days 28] [--points 40]

Target: the frontier costs at most 3x one plan (reading, estimating and
solving included in both: a frontier is what `bidopt frontier` runs).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scenarios"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from make_sample import make_keyword_report, write_ztc_csv

    from optimizer.decisions.plan import make_plan, plan_frontier
    from optimizer.scenario.scenario_file import load_scenario

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        report = make_keyword_report(args.keywords, args.days, seed=args.seed)
        write_ztc_csv(report, folder / "report.csv")
        budget = round(float(report[report["date"] > report["date"].max() - pd.Timedelta(days=7)]["spend"].sum()))
        (folder / "plan.toml").write_text(
            f'[data]\nreports = ["report.csv"]\n[goal]\nbudget = {budget}\nmin_roi = 2.0\n[bids]\nmax = 20\n',
            encoding="utf-8")
        scenario = load_scenario(folder / "plan.toml")

        clock = time.perf_counter()
        result = make_plan(scenario)
        plan_seconds = time.perf_counter() - clock

        clock = time.perf_counter()
        result_again = make_plan(scenario)
        front = plan_frontier(result_again, count=args.points)
        frontier_seconds = time.perf_counter() - clock

    solve_seconds = result.timings["solve"]
    print(f"{len(result.bids):,} keywords, {args.points}-point frontier ({len(front.points)} points kept)")
    print(f"  one plan (read, estimate, solve, explain)   {plan_seconds:7.2f} s   (solve {solve_seconds:.2f} s)")
    print(f"  plan + {args.points}-point frontier                {frontier_seconds:7.2f} s")
    print(f"  ratio                                      {frontier_seconds / plan_seconds:7.2f} x   (target <= 3)")
    if front.note:
        print(f"  {front.note}")


if __name__ == "__main__":
    main()
