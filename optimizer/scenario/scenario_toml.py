"""A scenario written back as a scenario file: TOML that ``load_scenario`` reads into the same scenario.

Every section is written whole (no ``extends``): the values that differ from the
defaults and every value a file set, so the file says what was planned. Report paths
are written as given to :func:`scenario_toml` (relative ones are read relative to the
file, as in any scenario). Strings are TOML basic strings, so names in any script and
with quotes or newlines survive.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import fields

from optimizer.scenario.scenario_file import Scenario, _Section


def _value(value) -> str:
    """One TOML value: booleans, numbers (inf and nan as TOML spells them), strings, lists of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(key)} = {_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    # a JSON string is a TOML basic string, once DEL (which JSON leaves as it is) is escaped too
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(name: str) -> str:
    """A bare key when it is one, else a quoted one."""
    bare = name and all(character.isascii() and (character.isalnum() or character in "-_") for character in name)
    return name if bare else _value(name)


def _table(header: str, section: _Section, always: bool = False) -> list[str]:
    """A section's lines under ``header``: its fields that are set (not None, not empty)."""
    lines = [f"{field.name} = {_value(getattr(section, field.name))}" for field in fields(section)
             if getattr(section, field.name) is not None and getattr(section, field.name) != ()
             and not (isinstance(getattr(section, field.name), Mapping) and not getattr(section, field.name))]
    return [header, *lines, ""] if lines or always else []


def scenario_toml(scenario: Scenario, reports: Sequence[str] | None = None, comment: str = "") -> str:
    """The scenario file of ``scenario``; ``reports`` replaces the report paths written (e.g. relative ones)."""
    data = scenario.data
    lines = [f"# {line}".rstrip() for line in comment.splitlines()] + ([""] if comment else [])
    written = [str(path) for path in data.reports] if reports is None else list(reports)
    lines += ["[data]", f"reports = {_value(written)}"]
    lines += [line for line in _table("", data)[1:] if not line.startswith("reports = ")]
    if lines[-1] != "":
        lines.append("")
    lines += _table("[goal]", scenario.goal, always=True) + _table("[bids]", scenario.bids, always=True)
    for name, limits in scenario.plans.items():
        lines += _table(f"[plans.{_key(name)}]", limits, always=True)
    for name, limits in scenario.items.items():
        lines += _table(f"[items.{_key(name)}]", limits, always=True)
    for adjustment in scenario.adjust:
        lines += _table("[[adjust]]", adjustment, always=True)
    return "\n".join(lines).rstrip("\n") + "\n"
