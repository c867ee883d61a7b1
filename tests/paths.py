"""Where the tests find the repository's scenarios, golden files and the real exports read in place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SAMPLE = SCENARIOS / "data" / "ztc_keywords.csv"
GOLDEN = ROOT / "tests" / "golden"
#: Real exports from public accounts, never copied here: tests that need them skip when absent.
REAL = ROOT.parent / "shared" / "data" / "real"
