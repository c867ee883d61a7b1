"""Where the tests find the repository's scenarios, golden files and the real exports read in place."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SAMPLE = SCENARIOS / "data" / "ztc_keywords.csv"
GOLDEN = ROOT / "tests" / "golden"
#: Real exports from public accounts, never copied here: tests that need them skip when absent.
REAL = ROOT.parent / "shared" / "data" / "real"


def script(path: Path, name: str) -> ModuleType:
    """A script of the repository that is not part of the package (benchmarks/, scenarios/), imported as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
