"""The package's layout tells the flow: each stage imports only the stages before it, and stays small."""

from __future__ import annotations

import ast

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "optimizer"
#: The stages in the order data moves through them (optimizer/__init__.py says the same); shared modules first.
STAGES = ("errors", "progress", "numtext", "text_bytes", "memory", "i18n", "reading", "scenario", "model", "solver", "outputs", "decisions",
          "platforms", "simulation", "history", "workbench", "cli")
SHARED = {"errors", "progress", "numtext", "text_bytes", "memory", "i18n", "__init__", "__version__"}


def stage_of(module: str) -> str:
    """The stage a dotted module name under optimizer belongs to ('optimizer.solver.highs' -> 'solver')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path) -> list[tuple[int, str]]:
    """(line, module) of every optimizer import in a file, in functions too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "optimizer":
            names = [f"{node.module}.{alias.name}" if node.module == "optimizer" else node.module
                     for alias in node.names]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("optimizer.")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_stage_is_a_folder_listed_in_the_flow():
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert folders | modules == set(STAGES)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_import_runs_back_up_the_flow(path):
    own = stage_of("optimizer." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    if own in ("__init__", "__main__"):
        return
    upward = [f"line {line}: {name}" for line, name in imports_of(path)
              if stage_of(name) not in SHARED and STAGES.index(stage_of(name)) > STAGES.index(own)]
    assert upward == [], f"{own} must not import later stages"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_modules_and_functions_stay_short(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= 350, "a module past 350 lines holds two concepts"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno >= 60]
    assert long == [], "a function past 60 lines is two steps"
