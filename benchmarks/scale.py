"""Time `bidopt plan` at scale as users run it: report and run history on, phase by phase, beside a floor.

    python benchmarks/scale.py [--keywords 100000] [--shape account|flat] [--days 1] [--no-history]
                               [--highs-max 200000] [--cbc-max 20000] [--no-solvers] [--seed 1] [--repeat 3]
    python benchmarks/scale.py --keywords 1000000 --history-only sqlite:///PATH   # the run history alone

Reports, made by vectorised generators:

- ``--shape account`` (default): a 7-day Google Ads keyword report of an account's shape:
  about N/2,000 campaigns, 50 ad groups each, keywords spread over them with a long tail
  (a few large campaigns and ad groups, many small ones) and long-tail search volumes.
- ``--shape flat``: the first version's report: 7 campaigns, 40 ad groups, uniform spread.
- ``--days 28``: a daily 直通车 export of the account's shape instead (GBK, one row per keyword and
  day with impressions, a 合计 row), written by ``scenarios/make_sample.py``'s ``write_ztc_csv``.

The plan runs as users run it, ``python -m optimizer plan SCENARIO --out DIR --db sqlite:///...``
in a child process (``--progress`` on): the phase times are the ones the CLI prints on stderr
(the run is recorded beside the report and the files: its own time, and the plan's wait for it); the
parent stamps each line as it arrives, which times start-up. Peak memory is the child's own (its
``VmHWM``). The floor is measured in the same run, each step the best of three: pyarrow reading the
report, numpy sorting 13 floats per keyword (13 million at 10^6), pyarrow writing the table back; every
time is also given as a multiple of it. Then, in this process, the structured solver is timed against
one sort of its hull increments (numpy's default argsort, one core; beside it the solver's own
canonical order of them), HiGHS and PuLP + CBC (``time_solvers``).
Targets (docs/benchmarks.md): 10^6 keywords in 500 campaigns within 15x the floor and 2.5 GiB,
no phase past 4x the floor; the solve within 2x one sort and >= 50x faster than HiGHS at 10^5.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PLANS = ("Brand", "Generic - Shoes", "Generic - Bags", "Competitors", "Long tail", "Shopping terms", "Seasonal")
KEYWORDS_PER_CAMPAIGN = 2_000
GROUPS_PER_CAMPAIGN = 50
SORTED_PER_KEYWORD = 13   # hull increments per keyword on the default grid
FLOOR_REPEATS = 3   # each step of the floor timed this many times, its best kept
TARGETS = {"end to end": 15.0, "phase": 4.0, "peak GiB": 2.5}


def account_shape(n_keywords: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """Campaign and ad-group codes of each keyword: ~N/2,000 campaigns of 50 ad groups, long-tailed sizes."""
    campaigns = max(1, round(n_keywords / KEYWORDS_PER_CAMPAIGN))
    groups = campaigns * GROUPS_PER_CAMPAIGN
    weight = rng.pareto(1.5, groups) + 0.05      # ad groups: a few hold thousands of keywords, most a handful
    group = np.concatenate([np.arange(groups), rng.choice(groups, n_keywords - groups, p=weight / weight.sum())]) \
        if n_keywords > groups else rng.integers(0, groups, n_keywords)
    return group // GROUPS_PER_CAMPAIGN, group, campaigns


def google_report(n_keywords: int, seed: int, shape: str = "account") -> tuple[pd.DataFrame, float]:
    """A 7-day Google Ads keyword report (one row per keyword) and its week's spend; numpy over arrays."""
    rng = np.random.default_rng(seed)
    if shape == "flat":
        plan, group = rng.integers(0, len(PLANS), n_keywords), rng.integers(0, 40, n_keywords)
        names, group_names = np.array(PLANS), np.char.add("Group ", group.astype(str))
        volume = rng.lognormal(5.0, 1.3, n_keywords)
    else:
        plan, group, campaigns = account_shape(n_keywords, rng)
        names = np.char.add("Campaign ", np.char.zfill(np.arange(campaigns).astype(str), 4))
        group_names = np.char.add("Ad group ", np.char.zfill(group.astype(str), 6))
        volume = rng.lognormal(3.5, 1.8, n_keywords)   # long tail: median ~33, top 1% > 2,000 a week
    bid = np.round(rng.lognormal(0.0, 0.5, n_keywords) + 0.1, 2)
    share = 1 - np.exp(-(bid / rng.uniform(0.5, 2.0, n_keywords)) ** rng.uniform(0.9, 1.6, n_keywords))
    impressions = rng.poisson(volume * share) + 1
    clicks = rng.binomial(impressions, rng.beta(2, 60, n_keywords))
    cpc = bid * rng.uniform(0.6, 0.9, n_keywords)
    spend = np.round(clicks * cpc, 2)
    orders = rng.binomial(clicks, rng.beta(2, 50, n_keywords) * (1 + plan % 7 / 10))
    revenue = np.round(orders * rng.lognormal(4.0, 0.6, n_keywords), 2)
    frame = pd.DataFrame({
        "Campaign": pd.Categorical.from_codes(plan, names),
        "Ad group": pd.Series(group_names),
        "Keyword": pd.Series(np.char.add("keyword ", np.arange(n_keywords).astype(str))),
        "Match type": np.where(rng.random(n_keywords) < 0.35, "Exact match", "Broad match"),
        "Max. CPC": bid, "Currency code": "USD", "Impr.": impressions, "Clicks": clicks,
        "Avg. CPC": np.round(np.divide(spend, clicks, out=np.zeros(n_keywords), where=clicks > 0), 2),
        "Cost": spend, "Conversions": orders, "Conv. value": revenue,
    })
    return frame, float(spend.sum())


def daily_report(n_keywords: int, days: int, seed: int) -> pd.DataFrame:
    """A keyword x day report of an account's shape in canonical columns (for ``write_ztc_csv``).

    Per keyword as in :func:`google_report`; each day its searches vary (weekends busier), ~30% of
    keywords had their bid changed by ±10-40% on one day, and days without impressions are left out.
    """
    rng = np.random.default_rng(seed)
    plan, group, campaigns = account_shape(n_keywords, rng)
    names = np.char.add("计划", np.char.zfill(np.arange(campaigns).astype(str), 4))
    first_bid = np.round(rng.lognormal(0.0, 0.5, n_keywords) + 0.3, 2)
    change_day = np.where(rng.random(n_keywords) < 0.3, rng.integers(1, days, n_keywords), days)
    later = np.round(first_bid * rng.choice([0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4], n_keywords), 2)
    day = np.arange(days)[:, None]
    bid = np.where(day >= change_day, later, first_bid)
    dates = pd.date_range("2026-02-09", periods=days, freq="D")
    busy = np.where(dates.day_of_week.to_numpy() >= 5, 1.15, 1.0)[:, None]
    volume = rng.lognormal(1.6, 1.8, n_keywords) * busy * rng.lognormal(0.0, 0.25, (days, n_keywords))
    share = 1 - np.exp(-(bid / rng.uniform(0.5, 2.0, n_keywords)) ** rng.uniform(0.9, 1.6, n_keywords))
    impressions = rng.poisson(volume * share)
    clicks = rng.binomial(impressions, rng.beta(2, 60, n_keywords))
    spend = np.round(clicks * bid * rng.uniform(0.6, 0.9, n_keywords), 2)
    orders = rng.binomial(clicks, rng.beta(2, 50, n_keywords) * (1 + plan % 7 / 10))
    revenue = np.round(orders * rng.lognormal(4.0, 0.6, n_keywords), 2)
    row_day, unit = np.nonzero(impressions > 0)
    return pd.DataFrame({
        "date": dates[row_day], "plan": names[plan][unit],
        "ad_group": np.char.add("宝贝", np.char.zfill(group.astype(str), 6))[unit],
        "keyword": np.char.add("关键词", np.arange(n_keywords).astype(str))[unit],
        "match_type": np.where(rng.random(n_keywords) < 0.35, "exact", "broad")[unit], "bid": bid[row_day, unit],
        "impressions": impressions[row_day, unit], "clicks": clicks[row_day, unit], "spend": spend[row_day, unit],
        "orders": orders[row_day, unit], "revenue": revenue[row_day, unit]})


def write_report(frame: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Keyword report\r\nMarch 2, 2026 - March 8, 2026\r\n")
        frame.to_csv(handle, index=False, lineterminator="\r\n")


def make_report(args, folder: Path) -> tuple[Path, float, int]:
    """The report file, the spend of its last 7 days and the rows it holds."""
    path = folder / "report.csv"
    if args.days > 1:
        sys.path.insert(0, str(ROOT / "scenarios"))
        from make_sample import write_ztc_csv

        report = daily_report(args.keywords, args.days, args.seed)
        write_ztc_csv(report, path)
        week = float(report.loc[report["date"] > report["date"].max() - pd.Timedelta(days=7), "spend"].sum())
        return path, week, len(report)
    frame, week = google_report(args.keywords, args.seed, args.shape)
    write_report(frame, path)
    return path, week, len(frame)


def floor_seconds(report: Path, n_keywords: int, folder: Path, *, daily: bool) -> dict[str, float]:
    """What no plan of this report can beat on this machine now: read it, sort its increments, write it.

    Each step is timed three times and its best kept: one timing of a second or two swings by 2x with
    the machine's load and its memory's state, and a floor must not be higher than the machine's own.
    """
    from pyarrow import csv as pacsv

    options = pacsv.ReadOptions(encoding="gbk") if daily else pacsv.ReadOptions(skip_rows=2)
    values = np.random.default_rng(0).random(SORTED_PER_KEYWORD * n_keywords)
    read = sort = write = float("inf")
    for _ in range(FLOOR_REPEATS):
        clock = time.perf_counter()
        table = pacsv.read_csv(report, read_options=options)
        read = min(read, time.perf_counter() - clock)
        clock = time.perf_counter()
        np.sort(values)
        sort = min(sort, time.perf_counter() - clock)
        clock = time.perf_counter()
        pacsv.write_csv(table, folder / "floor.csv")
        write = min(write, time.perf_counter() - clock)
        (folder / "floor.csv").unlink()
    return {"pyarrow read": read, "numpy sort": sort, "pyarrow write": write, "floor": read + sort + write}


def run_logged(command: list[str], env: dict) -> tuple[list[tuple[float, str, str]], int, float, float]:
    """Run ``command``; every line of stdout and stderr with the seconds after the start it arrived at, and the
    child's peak memory in GiB.

    The peak is the child's own high-water mark (``VmHWM``, counted from its exec), read while it runs:
    ``getrusage(RUSAGE_CHILDREN)`` would give this process's own peak instead when that is larger (a child
    spawned by ``fork`` or ``vfork`` keeps its parent's mark through exec), here the generated report's.
    """
    lines: list[tuple[float, str, str]] = []
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    done, high = threading.Event(), [0]

    def pump(stream, name):
        for line in stream:
            lines.append((time.perf_counter() - start, name, line.rstrip("\n")))

    def watch():
        while not done.wait(0.05):
            try:
                with open(f"/proc/{child.pid}/status", encoding="ascii") as status:
                    kib = [int(line.split()[1]) for line in status if line.startswith("VmHWM:")]
                high[0] = max([high[0], *kib])
            except (OSError, ValueError):   # gone, or no /proc: getrusage below
                pass

    threads = [threading.Thread(target=pump, args=(child.stdout, "out")),
               threading.Thread(target=pump, args=(child.stderr, "err")), threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    code = child.wait()
    wall = time.perf_counter() - start
    done.set()
    for thread in threads:
        thread.join()
    peak_kib = high[0] or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # KiB on Linux
    return sorted(lines), code, wall, peak_kib / 2**20


PROGRESS_LINE = re.compile(r"^bidopt:\s+[\d.]+ s\s+(?P<phase>.+?)\s*$")
TIMINGS_LINE = re.compile(r"^bidopt: (?P<phases>(?:[^,]+ [\d.]+ s)(?:, [^,]+ [\d.]+ s)*)$")


def phase_times(lines: list[tuple[float, str, str]], wall: float) -> dict[str, float]:
    """Phases from the CLI's own timings line; start-up (and, from a CLI that does not time them, writing
    and recording) from line arrivals.

    The run is recorded beside the report and the writing (a worker thread): the timings line gives the
    recording's own time ("record (beside report and write)") and the time the plan waited for it
    ("wait for record"); only the wait is on the way, so "other" leaves the recording's own time out.
    """
    phases: dict[str, float] = {}
    starts = {}
    for stamp, stream, text in lines:
        if stream == "err" and (match := TIMINGS_LINE.match(text)) and not PROGRESS_LINE.match(text):
            for part in match["phases"].split(", "):
                name, seconds, _ = part.rsplit(" ", 2)
                phases[name] = float(seconds)
        elif stream == "err" and (match := PROGRESS_LINE.match(text)):
            starts.setdefault(match["phase"], stamp)
        elif stream == "out" and text.startswith("plan:"):
            starts.setdefault("written", stamp)
    first = min(starts.values(), default=0.0)
    if not phases:   # a quick run prints no timings line: each phase lasts until the next one starts
        order = sorted((stamp, name) for name, stamp in starts.items())
        phases = {name: following - stamp for (stamp, name), (following, _) in zip(order, order[1:])
                  if name not in ("write", "record", "written")}
    timed = {"start-up (imports, scenario)": first, **phases}
    if "write" not in phases and "write" in starts and "written" in starts:
        if starts.get("record", -1.0) > starts["write"]:   # a CLI that recorded while the files waited
            timed["write"] = starts["record"] - starts["write"]
            timed["record the run history"] = starts["written"] - starts["record"]
        else:   # the plan waited for the recording ("record") before it wrote the files
            timed["write"] = starts["written"] - starts["write"]
            if "record" in starts:
                timed["wait for record"] = starts["write"] - starts["record"]
    beside = sum(seconds for name, seconds in timed.items() if "beside" in name)
    timed["other (exit, gaps)"] = max(0.0, wall - sum(timed.values()) + beside)
    return timed


def run_plan(args, folder: Path, budget: float) -> dict:
    """``python -m optimizer plan`` as a user runs it; phase times, wall time and peak memory."""
    (folder / "plan.toml").write_text(
        f'[data]\nreports = ["report.csv"]\nperiod_days = 7\n[goal]\nbudget = {round(budget * 0.9)}\n'
        'min_roi = 2.0\nperiod_days = 7\n[bids]\nmin = 0.05\nmax = 20\n', encoding="utf-8")
    command = [sys.executable, "-m", "optimizer", "plan", str(folder / "plan.toml"), "--out", str(folder / "out"),
               "--progress"]
    command += ["--no-history"] if args.no_history else ["--db", f"sqlite:///{folder / 'history.sqlite'}"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               PYTHONUNBUFFERED="1")
    lines, code, wall, peak = run_logged(command, env)
    if code != 0:
        sys.exit("plan failed:\n" + "\n".join(text for _, _, text in lines))
    html = folder / "out" / "report.html"
    return {"phases": phase_times(lines, wall), "wall": wall, "peak_gib": peak,
            "html_mib": html.stat().st_size / 2**20 if html.exists() else float("nan")}


def print_plan(figures: dict, floor: dict[str, float]) -> None:
    base = floor["floor"]
    print(f"floor in the same run (best of {FLOOR_REPEATS}): {base:.2f} s = " + " + ".join(
        f"{name} {seconds:.2f} s" for name, seconds in floor.items() if name != "floor"))
    print(f"{'phase':<35} {'seconds':>8} {'x floor':>8}")
    for phase, seconds in figures["phases"].items():
        flag = "  over target" if phase != "other (exit, gaps)" and seconds > TARGETS["phase"] * base else ""
        print(f"  {phase:<33} {seconds:8.2f} {seconds / base:8.2f}{flag}")
    print(f"  {'process (wall)':<33} {figures['wall']:8.2f} {figures['wall'] / base:8.2f}   "
          f"(target {TARGETS['end to end']:.0f}x)")
    print(f"peak memory (RSS) {figures['peak_gib']:.2f} GiB (target {TARGETS['peak GiB']} GiB); "
          f"report.html {figures['html_mib']:.2f} MiB")


def time_solvers(program, args) -> None:
    from optimizer.solver import increments
    from optimizer.solver.highs import solve_highs
    from optimizer.solver.ordering import descending_order
    from optimizer.solver.pulp_cbc import solve_pulp
    from optimizer.solver.structured import solve_structured

    path = increments.build_path(program)
    sort_seconds = ordered_seconds = fast_again = float("inf")
    for _ in range(args.repeat):   # best of a few: one run of a fraction of a second is mostly the machine's load
        clock = time.perf_counter()
        np.argsort(-path.inc_eff)
        sort_seconds = min(sort_seconds, time.perf_counter() - clock)
        clock = time.perf_counter()
        descending_order(path.inc_eff)
        ordered_seconds = min(ordered_seconds, time.perf_counter() - clock)
        clock = time.perf_counter()
        solution = solve_structured(program)
        fast_again = min(fast_again, time.perf_counter() - clock)
    units = program.candidates.valid.shape[0]
    print(f"solve on the same Program ({units:,} keywords, {len(path.inc_eff):,} hull increments), "
          f"sort and structured solver best of {args.repeat}:")
    print(f"  one sort of the increments   {sort_seconds:8.3f} s")
    print(f"  the solver's canonical order {ordered_seconds:8.3f} s   {ordered_seconds / sort_seconds:5.2f}x the sort"
          "   (ties by index, two cores)")
    print(f"  structured solver (fast)     {fast_again:8.3f} s   {fast_again / sort_seconds:5.2f}x the sort"
          f"   objective {solution.objective:,.4f}")
    if units <= args.highs_max:
        clock = time.perf_counter()
        reference = solve_highs(program)
        highs_seconds = time.perf_counter() - clock
        gap = abs(reference.objective - solution.objective) / max(1.0, abs(reference.objective))
        print(f"  HiGHS (interior point)       {highs_seconds:8.3f} s   {highs_seconds / fast_again:7.1f}x slower"
              f"   objective {reference.objective:,.4f}  (relative gap {gap:.1e}; binding "
              f"{'same' if set(reference.binding) == set(solution.binding) else 'DIFFERENT'})")
    else:
        print(f"  HiGHS                        skipped above {args.highs_max:,} keywords (--highs-max)")
    if units <= args.cbc_max:
        clock = time.perf_counter()
        cbc = solve_pulp(program)
        cbc_seconds = time.perf_counter() - clock
        print(f"  PuLP + CBC (model build incl.) {cbc_seconds:6.3f} s   {cbc_seconds / fast_again:7.1f}x slower"
              f"   objective {cbc.objective:,.4f}")
    else:
        print(f"  PuLP + CBC                   skipped above {args.cbc_max:,} keywords (--cbc-max)")


def time_history(n_rows: int, url: str, seed: int) -> None:
    """The run history alone: ``n_rows`` recommendations of an account's shape into ``url``, in one transaction."""
    from datetime import datetime, timezone

    from optimizer.history.bulk import insert, table_rows
    from optimizer.history.database import recommendations, runs
    from optimizer.history.store import HistoryStore

    rng = np.random.default_rng(seed)
    plan, group, campaigns = account_shape(n_rows, rng)
    bids = pd.DataFrame({"plan": pd.Categorical.from_codes(plan, [f"Campaign {index:04d}" for index in range(campaigns)]),
                         "ad_group": np.char.add("Ad group ", group.astype(str)),
                         "keyword": np.char.add("keyword ", np.arange(n_rows).astype(str)), "match_type": "exact",
                         "action": rng.choice(["raise", "hold", "cut"], n_rows), "reason": "a reason of some length",
                         **{name: rng.random(n_rows) for name in ("current_bid", "new_bid", "change_pct", "cpc",
                            "before_spend", "before_revenue", "impressions", "clicks", "spend", "orders", "revenue")}})
    with HistoryStore(url) as store:
        clock = time.perf_counter()
        with store.engine.begin() as connection:
            run_id = connection.execute(runs.insert().values(
                created_at=datetime.now(timezone.utc), bidopt_version="benchmark", scenario_name="benchmark",
                settings_json="{}", level="keyword", objective="revenue", period_days=7, status="optimal",
                summary_json="{}").returning(runs.c.id)).scalar_one()
            insert(connection, recommendations, table_rows(bids, recommendations, run_id, positions=True))
        print(f"recorded {n_rows:,} recommendations in {store.location} in {time.perf_counter() - clock:.2f} s "
              f"(one transaction, commit included); load average {os.getloadavg()[0]:.2f}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=100_000)
    parser.add_argument("--shape", choices=["account", "flat"], default="account",
                        help="account: ~N/2,000 campaigns of 50 ad groups, long tail; flat: 7 campaigns, 40 groups")
    parser.add_argument("--days", type=int, default=1, help="above 1: a daily 直通车 export of this many days")
    parser.add_argument("--no-history", action="store_true", help="run the plan without recording it")
    parser.add_argument("--no-solvers", action="store_true", help="skip timing the solvers on the same program")
    parser.add_argument("--history-only", metavar="URL",
                        help="time only recording --keywords recommendations in the run history at URL")
    parser.add_argument("--highs-max", type=int, default=200_000)
    parser.add_argument("--cbc-max", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="times the sort and the structured solver (best kept)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.history_only:
        return time_history(args.keywords, args.history_only, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        clock = time.perf_counter()
        report, week_spend, rows = make_report(args, folder)
        kind = f"直通车 GBK, {args.days} days" if args.days > 1 else f"Google Ads CSV, {args.shape} shape"
        print(f"generated {args.keywords:,} keywords, {rows:,} rows ({report.stat().st_size / 2**20:.1f} MiB, "
              f"{kind}) in {time.perf_counter() - clock:.1f} s; load average {os.getloadavg()[0]:.2f}")
        floor = floor_seconds(report, args.keywords, folder, daily=args.days > 1)
        figures = run_plan(args, folder, week_spend)
        print(f"python -m optimizer plan, report and {'no history' if args.no_history else 'history (SQLite)'}:")
        print_plan(figures, floor)
        if not args.no_solvers:
            from optimizer.decisions.plan import make_plan
            from optimizer.scenario.scenario_file import load_scenario

            time_solvers(make_plan(load_scenario(folder / "plan.toml")).program, args)


if __name__ == "__main__":
    main()
