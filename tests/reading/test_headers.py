"""Header names: normalised before matching, so "Spend ($)" and " spend " name one column."""

from __future__ import annotations

import pytest

from optimizer.reading.headers import normalise_header


@pytest.mark.parametrize(("header", "normal"), [("Spend ($)", "spend"), (" 14 Day Total Orders (#) ", "14 day total orders"),
                                                 ("花费（元）", "花费"), ("Max.  CPC", "max. cpc")])
def test_normalise_header(header, normal):
    assert normalise_header(header) == normal
