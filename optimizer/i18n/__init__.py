"""Chinese and English: one catalogue of messages, and a translator per language.

Every sentence bidopt writes for a person (report.html, summary.md, compare.md, the reasons,
the figures, the notes and warnings, the workbench's pages, the command line's lines) is a message here, named by an id and written in every language of
:data:`LANGUAGES` side by side, so a missing translation is one test failure away::

    from optimizer.i18n import translator
    t = translator("zh-CN")
    t("report.before_after")                  # '调价前后'
    t("report.objective", objective="收入")    # str.format on the language's text

The library's notes and warnings are said before anyone asks for a language: :func:`say` gives the
English text (what summary.json and an English run print) and remembers the message and its values,
so ``t.say(note)`` says the same note in ``t``'s language.

To add a message, add one entry to a module of :data:`SECTIONS` (``id: {"en": ..., "zh-CN": ...}``),
both texts with the same ``{placeholders}``. Operators' words: 出价 (bid), 日限额 (daily limit),
投入产出比 (ROI), 展现量 (impressions), 点击率 (CTR), 花费 (spend), 成交金额 (revenue), 计划 (plan),
关键词 (keyword).

The language comes from ``--lang`` on the CLI, else ``BIDOPT_LANG``, else English
(:func:`from_environment`); the workbench reads the browser's ``Accept-Language``
(:func:`from_accept_language`). Texts are Python data, not gettext .po/.mo files: no build
step, no parser at run time, and each translation sits beside its English in review.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.errors import BidoptError
from optimizer.i18n import checks, cli, reading, reasons, report, summary, workbench

#: The languages every message is written in; the first is the default.
LANGUAGES = ("en", "zh-CN")
DEFAULT = LANGUAGES[0]
#: The environment variable that picks the language when ``--lang`` is not given.
ENVIRONMENT = "BIDOPT_LANG"
#: The catalogue's modules, one per place a message shows (each holds ``MESSAGES``).
SECTIONS = (report, summary, reasons, workbench, reading, checks, cli)


def _merge() -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for section in SECTIONS:
        twice = merged.keys() & section.MESSAGES.keys()
        if twice:
            raise ValueError(f"message ids defined twice: {sorted(twice)}")
        merged.update(section.MESSAGES)
    return merged


#: The binding limit a raise reached, as :func:`optimizer.decisions.summary.build` names it.
_RAISED_AS_FAR = re.compile(r"max_raise \((?P<count>\d+) (?P<what>keywords|plans) raised as far as allowed\)")
#: Every message: id -> {language: text}.
CATALOGUE: Mapping[str, Mapping[str, str]] = _merge()


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text fills in."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def problems(catalogue: Mapping[str, Mapping[str, str]] = CATALOGUE) -> list[str]:
    """What is wrong with a catalogue: a message missing a language, empty, or with other placeholders."""
    found = []
    for message, texts in catalogue.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang, "").strip()]
        if missing:
            found.append(f"{message}: no {', '.join(missing)} text")
        elif len({frozenset(placeholders(texts[lang])) for lang in LANGUAGES}) > 1:
            found.append(f"{message}: the languages fill different placeholders")
    return found


@dataclass(frozen=True)
class Translator:
    """The messages of one language: ``t(id, **values)`` is the text with its placeholders filled."""

    lang: str

    def __post_init__(self):
        if self.lang not in LANGUAGES:
            raise BidoptError(f"language {self.lang!r} is not one of {', '.join(LANGUAGES)}")

    def text(self, message: str) -> str:
        """The message's text as written in the catalogue, placeholders unfilled."""
        try:
            return CATALOGUE[message][self.lang]
        except KeyError:
            raise KeyError(f"no message {message!r} in language {self.lang!r} (add it to optimizer/i18n)") from None

    def __call__(self, message: str, **values) -> str:
        return self.text(message).format(**values) if values else self.text(message)

    def say(self, text: str) -> str:
        """A note :func:`say` made, in this language (its values that are notes too); any other text as it is."""
        if not isinstance(text, Said) or self.lang == DEFAULT:
            return text
        return self(text.message, **{name: self._value(value) for name, value in text.values.items()})

    def _value(self, value):
        """A value of a note in this language: a note said again, a list joined by the language's separator."""
        if isinstance(value, (list, tuple)):
            return self("summary.separator").join(str(self.say(item)) for item in value)
        return self.say(value)

    def limit(self, row: str) -> str:
        """A limit by its row name, in words: 'plan_budget_cap[女装]' -> '计划预算上限[女装]'; others as they are."""
        counted = _RAISED_AS_FAR.fullmatch(row)
        if counted:
            return self(f"limit.max_raise.{counted['what']}", count=counted["count"])
        kind, bracket, rest = row.partition("[")
        if f"limit.{kind}" not in CATALOGUE or (bracket and not rest.endswith("]")):
            return row
        return self(f"limit.{kind}", name=rest[:-1]) if bracket else self(f"limit.{kind}")

    def pick(self, prefix: str, key: str) -> str:
        """A word for a value from the data (``t.pick("action", "raise")``); the value itself when none is known."""
        message = f"{prefix}.{key}"
        return self(message) if message in CATALOGUE else key


class Said(str):
    """A message's English text that remembers the message and its values (:func:`say`), so it can be said again.

    It is a ``str``: the library keeps, joins and writes it (summary.json) as the English it is.
    """

    message: str
    values: dict

    def __new__(cls, text: str, message: str = "", values: Mapping | None = None):
        said = super().__new__(cls, text)
        said.message, said.values = message, dict(values or {})
        return said


def say(message: str, **values) -> Said:
    """A note or warning in English, for :meth:`Translator.say` to say in another language.

    ``values`` are the placeholders' texts (numbers formatted as the English shows them), notes
    :func:`say` made (said in the translator's language too), or lists of either (joined by ", ", or the
    language's separator).
    """
    english = Translator(DEFAULT)
    return Said(english(message, **{name: english._value(value) for name, value in values.items()}), message, values)


def normalise(lang: str | None) -> str:
    """A language tag as bidopt names it: 'zh', 'zh_CN.UTF-8', 'zh-Hans' -> 'zh-CN'; 'en-US' -> 'en'.

    Raises :class:`BidoptError` for a language bidopt does not speak.
    """
    if not lang:
        return DEFAULT
    tag = lang.split(".")[0].replace("_", "-").strip().lower()
    for known in LANGUAGES:
        if tag == known.lower() or tag.split("-")[0] == known.split("-")[0].lower():
            return known
    raise BidoptError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}: pass --lang en or --lang zh-CN")


def translator(lang: str | None = None) -> Translator:
    """The translator of a language (any tag :func:`normalise` reads; None: the default, English)."""
    return Translator(normalise(lang))


def from_environment(flag: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The CLI's language: ``--lang`` when given, else ``BIDOPT_LANG``, else English."""
    return normalise(flag or environ.get(ENVIRONMENT) or None)


def from_accept_language(header: str | None) -> str:
    """The language a browser asks for first among those bidopt speaks (HTTP Accept-Language, q-values honoured)."""
    ranked = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, position, tag))
    for _, _, tag in sorted(ranked):
        try:
            return normalise(tag)
        except BidoptError:
            continue
    return DEFAULT
