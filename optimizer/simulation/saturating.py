"""A third market family: heavy-tailed rivals and clicks whose value falls as the ad wins more.

The ``auction`` family (:mod:`optimizer.simulation.market`) is the response bidopt's model assumes;
``position`` (:mod:`optimizer.simulation.families`) ranks ads in slots against rivals that react.
``saturating`` differs from both in the two ways a bid's answer can bend:

* **Heavy-tailed rivals.** The best rival's score is log-logistic, not lognormal:
  ``P(win) = F(x) = 1 / (1 + (c0 / x) ** k)`` at ``x = bid x quality``, ``c0`` the lognormal's median
  and ``k`` the shape whose log-scale spread matches the lognormal's (``k = pi / (sigma sqrt 3)``,
  at least SHAPE_MIN). Wins come slower near the top and go on rising far past where a lognormal
  rival is beaten, so raises keep buying clicks, each dearer. The ad pays the rival's score over its
  quality (second price), in closed form::

      E[score; score < x] = x (H - 1 + F(x)),   H = 2F1(1, 1/k; 1 + 1/k; -(x / c0) ** k)

* **Diluting conversion.** The more auctions the ad wins, the broader and less ready to buy its
  searchers: ``cvr(bid) = cvr0 (1 + d F(x_today)) / (1 + d F(x))``, ``d`` between 0 and DILUTION_MAX
  per keyword. At today's bid the CVR is the keyword's own; a raise buys clicks that convert less
  (the marginal click's CVR is the average's ``1 / (1 + d F)``), a cut keeps the keenest. bidopt's model takes a keyword's CVR as one number at every bid.

Keywords, volumes, rates, order values and the operator's bids are drawn as in the ``auction``
family (same catalogue, same seed). The truth is static, and revenue is concave in spend (the
marginal click costs the bid and converts less the more is won), so the oracle is exact on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import hyp2f1

from optimizer.simulation import market as auction_family
from optimizer.simulation.market import Market

#: The log-logistic rival's shape is at least this, so that its mean (what a winner pays) is finite and modest.
SHAPE_MIN = 1.6
#: How much a keyword's CVR falls as its share of auctions grows: Uniform(0, DILUTION_MAX) per keyword.
DILUTION_MAX = 0.6
#: The share of auctions past which the ad is taken to win them all (for the oracle's grid).
TOP_SHARE = 1.0 - 3e-5


@dataclass(frozen=True)
class SaturatingMarket(Market):
    """The ``saturating`` family: log-logistic rivals (``shape`` k per keyword) and CVR diluting by ``dilution``.

    ``competitor_mu`` is the log of the rival's median score; ``reference_share`` the share of auctions
    won at the bids the market was made with, where the CVR is ``cvr``.
    """

    shape: np.ndarray = None
    dilution: np.ndarray = None
    reference_share: np.ndarray = None

    def _scores(self, bids: np.ndarray, axis: tuple) -> tuple[np.ndarray, np.ndarray]:
        """The ad's score ``x = bid x quality`` and its log odds of beating the rival, ``k (log x - log c0)``."""
        x = np.maximum(bids, 0.0) * self.quality[axis]
        with np.errstate(divide="ignore"):
            return x, self.shape[axis] * (np.log(x) - self.competitor_mu[axis])

    @staticmethod
    def _share(log_odds: np.ndarray) -> np.ndarray:
        """The share of auctions won, ``F(x)``, from the log odds."""
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-log_odds))

    def _diluted(self, share: np.ndarray, axis: tuple) -> np.ndarray:
        """Orders per click at a share of auctions won: the keyword's CVR at today's share, less the more is won."""
        dilution = self.dilution[axis]
        return self.cvr[axis] * (1.0 + dilution * self.reference_share[axis]) / (1.0 + dilution * share)

    def order_rate(self, bids: np.ndarray) -> np.ndarray:
        """Orders per click at ``bids``: the keyword's CVR at today's share, less the more auctions are won."""
        bids = np.asarray(bids, dtype=float)
        axis = self._axis(bids)
        return self._diluted(self._share(self._scores(bids, axis)[1]), axis)

    def per_search(self, bids: np.ndarray) -> dict[str, np.ndarray]:
        """Expected impressions, clicks, spend, orders, revenue per search at ``bids`` (shape (n,) or (n, k))."""
        bids = np.asarray(bids, dtype=float)
        axis = self._axis(bids)
        x, log_odds = self._scores(bids, axis)
        share, shape = self._share(log_odds), self.shape[axis]
        paid = x * (hyp2f1(1.0, 1.0 / shape, 1.0 + 1.0 / shape, -np.exp(log_odds)) - 1.0 + share)   # E[score; score < x]
        ctr = self.ctr[axis]
        clicks = share * ctr
        orders = clicks * self._diluted(share, axis)
        return {"impressions": share, "clicks": clicks, "spend": ctr * np.maximum(paid, 0.0) / self.quality[axis],
                "orders": orders, "revenue": orders * self.order_value[axis]}

    def top_bid(self) -> np.ndarray:
        """The bid that wins all but 3 in 10^5 auctions."""
        return np.exp(self.competitor_mu + np.log(TOP_SHARE / (1.0 - TOP_SHARE)) / self.shape) / self.quality


def make_saturating_market(n_keywords: int, *, seed: int, language: str = "zh",
                           start: str = "2026-09-28") -> SaturatingMarket:
    """The ``auction`` family's keywords and bids against heavy-tailed rivals, with diluting conversion."""
    base = auction_family.make_market(n_keywords, seed=seed, language=language, start=start)
    rng = np.random.default_rng([seed, 3])
    shape = np.maximum(np.pi / (base.competitor_sigma * np.sqrt(3.0)), SHAPE_MIN)
    dilution = rng.uniform(0.0, DILUTION_MAX, len(base))
    market = SaturatingMarket(**base.__dict__, shape=shape, dilution=dilution, reference_share=np.ones(len(base)))
    today = market._share(market._scores(base.bid, market._axis(base.bid))[1])
    return SaturatingMarket(**{**market.__dict__, "reference_share": np.maximum(today, 1e-9)})
