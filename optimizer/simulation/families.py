"""A second market family, so that plans are not judged only on the simulator their estimator assumes.

``bidopt simulate``'s market (:mod:`optimizer.simulation.market`, family ``auction``) is one ad
slot in a second-price auction against a lognormal competitor: the response bidopt's own model
assumes. The ``position`` family differs in auction and in response form:

* **Positions.** A results page has ``len(POSITION_CLICKS)`` ad slots, and a slot's clicks fall
  with its rank (``POSITION_CLICKS``, of the top slot's CTR). Each keyword faces a ladder of
  competitor scores ``c_1 > c_2 > ...``, all scaled on a search by one lognormal shock
  ``exp(s e)`` (how much that search is worth to every rival). The ad takes rank k when
  ``c_k exp(s e) < bid x quality < c_(k-1) exp(s e)`` and pays, per click, the score of the
  rival below it divided by its quality (generalized second price). In closed form, with
  ``z_k = (log(bid q) - log c_k) / s``::

      clicks per search  = ctr  sum_k pos_k (Phi(z_k) - Phi(z_(k-1)))
      spend per search   = ctr / q  sum_k pos_k c_k exp(s^2/2) (Phi(z_k - s) - Phi(z_(k-1) - s))

  so clicks climb in steps smoothed by the shock, saturate at the top slot, and the marginal
  click costs more than the bid where the ad moves up a slot: revenue is not concave in spend.
* **Competitors that react.** Rivals' automated bidding follows the price they meet: each
  keyword's ladder moves with its bid as ``c_k (bid / reference) ** reaction``, ``reaction``
  between 0 and REACTION_MAX, ``reference`` the operator's bid when the market was made. Raising
  a bid buys less position and costs more than a static auction would say.

Keywords, volumes, rates, order values and the operator's bids are drawn as in the ``auction``
family (same catalogue, same seed), so the two families differ only in how the market answers a
bid. The truth is static (a bid's figures do not depend on the weeks before), so the oracle of
:mod:`optimizer.simulation.oracle` is exact on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from optimizer.simulation import market as auction_family
from optimizer.simulation.market import Market
from optimizer.simulation.saturating import make_saturating_market

#: Clicks of each ad slot, as a share of the top slot's.
POSITION_CLICKS = np.array([1.0, 0.62, 0.43, 0.30])
#: How far each rival below the top one sits, in log score: Uniform(*LADDER_GAP) per step.
LADDER_GAP = (0.12, 0.45)
#: The search-to-search shock of every rival's score: Uniform(*SHOCK) per keyword.
SHOCK = (0.15, 0.45)
#: Rivals follow the keyword's bid with an elasticity in [0, REACTION_MAX].
REACTION_MAX = 0.4
FAMILIES = ("auction", "position", "saturating")


@dataclass(frozen=True)
class PositionMarket(Market):
    """The ``position`` family: a ladder of reacting rivals per keyword (log scores ``ladder``, (n, slots)).

    ``ctr`` is the top slot's CTR; ``competitor_mu``/``competitor_sigma`` keep the top rival's log
    score and the shock, for what reads them as a one-slot market's.
    """

    ladder: np.ndarray = None
    reaction: np.ndarray = None
    reference_bid: np.ndarray = None

    def _ranks(self, bids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per slot (last axis): P(rank <= k) and its shifted twin for the price, and each rival's score at ``bids``."""
        bids = np.asarray(bids, dtype=float)
        axis = self._axis(bids)
        shock = self.competitor_sigma[axis][..., None]
        with np.errstate(divide="ignore"):
            move = self.reaction[axis] * np.log(np.maximum(bids, 1e-12) / self.reference_bid[axis])
            score = np.log(np.maximum(bids, 0.0) * self.quality[axis])
        log_rival = self.ladder[(slice(None),) + (None,) * (np.ndim(bids) - 1) + (slice(None),)] + move[..., None]
        z = (score[..., None] - log_rival) / shock
        return ndtr(z), ndtr(z - shock), np.exp(log_rival + 0.5 * shock**2)

    def per_search(self, bids: np.ndarray) -> dict[str, np.ndarray]:
        """Expected impressions, clicks, spend, orders, revenue per search at ``bids`` (shape (n,) or (n, k))."""
        bids = np.asarray(bids, dtype=float)
        axis = self._axis(bids)
        within, shifted, price = self._ranks(bids)
        at = np.diff(within, axis=-1, prepend=0.0)            # P(rank = k)
        paid = np.diff(shifted, axis=-1, prepend=0.0) * price  # E[rival's score below; rank = k]
        ctr = self.ctr[axis]
        clicks = ctr * (at * POSITION_CLICKS).sum(axis=-1)
        spend = ctr * (paid * POSITION_CLICKS).sum(axis=-1) / self.quality[axis]
        orders = clicks * self.cvr[axis]
        return {"impressions": within[..., -1], "clicks": clicks, "spend": spend, "orders": orders,
                "revenue": orders * self.order_value[axis]}

    def top_bid(self) -> np.ndarray:
        """The bid that takes the top slot in all but 3 in 10^5 searches, rivals' reaction included."""
        top = self.ladder[:, 0] + 4.0 * self.competitor_sigma - np.log(self.quality)
        return np.exp((top - self.reaction * np.log(self.reference_bid)) / (1.0 - self.reaction))

    def click_rate(self, rates: dict[str, np.ndarray]) -> np.ndarray:
        """Clicks per impression: the top slot's CTR times the mean slot's share at the rates given."""
        return np.divide(rates["clicks"], rates["impressions"], out=np.zeros_like(rates["clicks"]),
                         where=rates["impressions"] > 0)


def make_position_market(n_keywords: int, *, seed: int, language: str = "zh",
                         start: str = "2026-09-28") -> PositionMarket:
    """The ``auction`` family's keywords and bids under a position auction with reacting rivals.

    The top rival sits where the one-slot market's did; the top slot's CTR is set so that at
    today's bids a keyword's clicks match the one-slot market's as far as its rank allows.
    """
    base = auction_family.make_market(n_keywords, seed=seed, language=language, start=start)
    rng = np.random.default_rng([seed, 2])
    n, slots = len(base), len(POSITION_CLICKS)
    gaps = rng.uniform(*LADDER_GAP, size=(n, slots - 1))
    ladder = base.competitor_mu[:, None] - np.concatenate([np.zeros((n, 1)), np.cumsum(gaps, axis=1)], axis=1)
    shock = rng.uniform(*SHOCK, n)
    reaction = rng.uniform(0.0, REACTION_MAX, n)
    return PositionMarket(**{**base.__dict__, "competitor_sigma": shock, "ctr": np.minimum(base.ctr * 1.4, 0.5)},
                          ladder=ladder, reaction=reaction, reference_bid=base.bid.copy())


def simulate_family(family: str, n_keywords: int, days: int, *, seed: int,
                    language: str = "zh") -> tuple[Market, pd.DataFrame]:
    """A market of ``family`` (one of FAMILIES) and its last ``days`` days of history, as ``market.simulate``."""
    if family not in FAMILIES:
        raise ValueError(f"The 'family' parameter must be one of {', '.join(FAMILIES)}. Got {family!r} instead.")
    if family == "auction":
        return auction_family.simulate(n_keywords, days, seed=seed, language=language)
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise ValueError(f"The 'days' parameter must be an int in the range [1, inf). Got {days!r} instead.")
    make = make_position_market if family == "position" else make_saturating_market
    return auction_family.history_of(make(n_keywords, seed=seed, language=language), int(days), seed)
