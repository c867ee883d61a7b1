"""A keyword market whose truth is known: the yardstick that plans and policies are scored against.

Each keyword has a daily search volume, a true CTR, CVR and order value, and a
quality score that rises with its CTR. Competitors meet it in a generalized
second-price auction: the ad is shown when ``bid x quality`` beats the best
competitor's score ``C``, and a click costs ``C / quality``, what was needed to
win. With ``log C ~ Normal(mu, sigma)`` per keyword everything has a closed form:

* impressions per search  ``P(win) = Phi(z)``, ``z = (log(bid q) - mu) / sigma`` (an S-curve in the bid);
* spend per search        ``ctr E[C; C < bid q] / q = ctr exp(mu + sigma^2/2) Phi(z - sigma) / q``.

So the marginal cost of one more click is exactly the bid, revenue is concave in
spend, and a higher CTR (higher quality) lowers the CPC, as operators see.
Days add weekday swings, market-wide and keyword-day noise (mean one, so the
expected curves above are the truth) and counting noise (Poisson searches won,
binomial clicks and orders). Everything is numpy over (days x keywords); the
same seed gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from scipy.special import ndtr

METRICS = ("impressions", "clicks", "spend", "orders", "revenue")
#: Search volume by day of week, Monday first; mean one, so a week's truth is 7 x the average day.
WEEKDAY = np.array([0.96, 0.95, 0.96, 0.97, 0.99, 1.09, 1.08])
WEEKDAY = WEEKDAY / WEEKDAY.mean()
#: Quality score = (ctr / QUALITY_CTR) ** QUALITY_EXPONENT: a keyword that clicks better pays less per click.
QUALITY_CTR, QUALITY_EXPONENT = 0.03, 0.6
EXACT_SHARE = 0.35        # keywords bid on as exact match (fewer searches, higher CTR)
DEAD_SHARE = 0.03         # keywords with almost no searches (无展现词)
CHANGED_SHARE = 0.30      # keywords whose bid the operator changed in the history
MODIFIER_VOLUME = 0.40    # each word added to a phrase keeps 40% of the searches
DAY_NOISE, KEYWORD_DAY_NOISE, PRICE_NOISE, VALUE_NOISE = 0.05, 0.20, 0.04, 0.06
BID_RANGE = (0.10, 20.0)  # bids the operator's history stays within


@dataclass(frozen=True)
class Plan:
    """A plan of the catalogue: names in Chinese and English, its items and its market."""

    name: tuple[str, str]
    items: tuple[tuple[str, str, float, float], ...]  # (zh, en, price, mean CVR)
    words: tuple[tuple[str, str], ...]                  # core search words (zh, en)
    ctr: float
    volume: float
    roi: float      # the ROI the operator's bids aim at
    weight: float   # share of the keywords


CATALOGUE: tuple[Plan, ...] = (
    Plan(("女装-连衣裙-主推", "Dresses - Hero"), (
        ("法式碎花雪纺连衣裙", "French floral chiffon dress", 159.0, 0.030),
        ("赫本风小黑裙", "Little black dress", 229.0, 0.024),
        ("针织毛衣连衣裙", "Knit sweater dress", 199.0, 0.028)),
        (("连衣裙", "dress"), ("碎花裙", "floral dress"), ("长裙", "maxi dress"), ("针织裙", "knit dress")),
        ctr=0.038, volume=1800.0, roi=2.3, weight=0.24),
    Plan(("防晒霜-引流", "Sunscreen - Traffic"), (
        ("清爽防晒霜SPF50", "Light sunscreen SPF50", 89.0, 0.058),
        ("便携防晒喷雾", "Sunscreen spray", 69.0, 0.052)),
        (("防晒霜", "sunscreen"), ("防晒喷雾", "sunscreen spray"), ("防晒乳", "sun lotion")),
        ctr=0.042, volume=1000.0, roi=3.3, weight=0.16),
    Plan(("男鞋-运动鞋-爆款", "Men's shoes - Bestseller"), (
        ("男士减震跑步鞋", "Men's running shoes", 199.0, 0.030),
        ("复古老爹鞋", "Retro chunky sneakers", 259.0, 0.024),
        ("百搭小白鞋", "White sneakers", 149.0, 0.034)),
        (("跑步鞋", "running shoes"), ("运动鞋", "sneakers"), ("老爹鞋", "chunky sneakers"), ("板鞋", "skate shoes")),
        ctr=0.032, volume=1600.0, roi=2.4, weight=0.20),
    Plan(("坚果零食-礼盒", "Nuts - Gift boxes"), (
        ("每日坚果30包", "Daily mixed nuts 30 packs", 129.0, 0.052),
        ("坚果大礼包", "Nut gift box", 168.0, 0.040)),
        (("每日坚果", "mixed nuts"), ("坚果礼盒", "nut gift box"), ("碧根果", "pecans")),
        ctr=0.025, volume=1200.0, roi=3.8, weight=0.14),
    Plan(("保温杯-新品测款", "Tumblers - New test"), (
        ("智能测温保温杯", "Smart thermos tumbler", 119.0, 0.016),
        ("儿童吸管保温杯", "Kids straw bottle", 89.0, 0.020)),
        (("保温杯", "tumbler"), ("吸管杯", "straw cup"), ("水杯", "water bottle")),
        ctr=0.017, volume=1400.0, roi=1.3, weight=0.13),
    Plan(("羊绒大衣-形象款", "Cashmere coats - Image"), (
        ("双面羊绒大衣", "Double-faced cashmere coat", 999.0, 0.005),
        ("羊毛呢子大衣", "Wool coat", 599.0, 0.008)),
        (("羊绒大衣", "cashmere coat"), ("呢子大衣", "wool coat"), ("毛呢外套", "wool jacket")),
        ctr=0.022, volume=800.0, roi=1.7, weight=0.13),
)
FRONTS = (("", ""), ("新款", "new"), ("女士", "women's"), ("男士", "men's"), ("轻便", "light"), ("高端", "premium"),
          ("学生", "student"), ("大码", "plus size"), ("韩版", "korean style"), ("正品", "genuine"),
          ("便携", "portable"), ("百搭", "versatile"), ("夏季", "summer"), ("冬季", "winter"))
BACKS = (("", ""), ("推荐", "best"), ("包邮", "free shipping"), ("特价", "sale"), ("旗舰店", "official store"),
         ("礼盒", "gift"), ("2026", "2026"), ("同款", "same style"), ("热卖", "hot"), ("官方", "brand"),
         ("批发", "wholesale"), ("套装", "set"))


@dataclass(frozen=True)
class Market:
    """Per-keyword truth (arrays aligned with ``keywords``) and today's bids.

    ``keywords`` holds the report's key columns: plan, ad_group, keyword, match_type.
    ``competitor_mu`` and ``competitor_sigma`` give the log of the best competitor's score.
    """

    keywords: pd.DataFrame
    volume: np.ndarray
    ctr: np.ndarray
    cvr: np.ndarray
    order_value: np.ndarray
    quality: np.ndarray
    competitor_mu: np.ndarray
    competitor_sigma: np.ndarray
    bid: np.ndarray
    #: The first day after the history: the week the next bids play.
    today: pd.Timestamp
    seed: int

    def __len__(self) -> int:
        return len(self.volume)

    def take(self, index: np.ndarray):
        """The market of the keywords at ``index`` only (every per-keyword array and row taken alike)."""
        n = len(self)
        taken = {field.name: getattr(self, field.name)[index] for field in fields(self)
                 if isinstance(getattr(self, field.name), np.ndarray) and len(getattr(self, field.name)) == n}
        return replace(self, keywords=self.keywords.iloc[index].reset_index(drop=True), **taken)

    def top_bid(self) -> np.ndarray:
        """The bid past which nothing changes: the keyword wins all but 3 in 10^5 auctions."""
        return np.exp(self.competitor_mu + 4.0 * self.competitor_sigma) / self.quality

    def click_rate(self, rates: dict[str, np.ndarray]) -> np.ndarray:
        """Clicks per impression at the rates :meth:`per_search` gave: the keyword's CTR, in its one slot."""
        return self.ctr

    def order_rate(self, bids: np.ndarray) -> np.ndarray:
        """Orders per click at ``bids`` (shape (n,) or (n, k)): the keyword's CVR, whatever the bid."""
        return np.broadcast_to(self.cvr[self._axis(bids)], np.shape(bids))

    def with_bids(self, bids: np.ndarray, today: pd.Timestamp | None = None) -> Market:
        """The same market with other standing bids (and, optionally, a later today)."""
        return replace(self, bid=np.asarray(bids, dtype=float), today=self.today if today is None else today)

    @staticmethod
    def _axis(bids: np.ndarray) -> tuple:
        """Index that lines per-keyword arrays up with ``bids`` of shape (n,) or (n, k)."""
        return (slice(None),) + (None,) * (np.ndim(bids) - 1)

    def per_search(self, bids: np.ndarray) -> dict[str, np.ndarray]:
        """Expected impressions, clicks, spend, orders, revenue per search at ``bids`` (shape (n,) or (n, k))."""
        bids = np.asarray(bids, dtype=float)
        axis = self._axis(bids)
        quality, mu, sigma = self.quality[axis], self.competitor_mu[axis], self.competitor_sigma[axis]
        with np.errstate(divide="ignore"):
            z = (np.log(np.maximum(bids, 0.0) * quality) - mu) / sigma
        win = ndtr(z)
        ctr = self.ctr[axis]
        clicks = win * ctr
        spend = ctr * np.exp(mu + 0.5 * sigma**2) * ndtr(z - sigma) / quality
        orders = clicks * self.cvr[axis]
        return {"impressions": win, "clicks": clicks, "spend": spend, "orders": orders,
                "revenue": orders * self.order_value[axis]}

    def expected(self, bids: np.ndarray | None = None, days: int = 7) -> dict[str, np.ndarray]:
        """The truth: expected figures over ``days`` average days at ``bids`` (today's bids by default)."""
        bids = self.bid if bids is None else np.asarray(bids, dtype=float)
        axis = self._axis(bids)
        searches = days * self.volume[axis]
        return {name: searches * value for name, value in self.per_search(bids).items()}

    def play(self, bids: np.ndarray, start: pd.Timestamp, days: int, rng: np.random.Generator) -> pd.DataFrame:
        """Draw ``days`` days from ``start`` at ``bids`` ((days, n) or (n,)): a daily report in canonical columns.

        Only keyword-days with impressions appear, as platforms omit empty rows.
        """
        n = len(self)
        bids = np.broadcast_to(np.asarray(bids, dtype=float), (days, n))
        dates = pd.date_range(start, periods=days, freq="D")
        weekday = WEEKDAY[dates.day_of_week.to_numpy()]
        market_day = _mean_one(rng, DAY_NOISE, days)
        searches = self.volume * (weekday * market_day)[:, None] * _mean_one(rng, KEYWORD_DAY_NOISE, (days, n))
        rates = self.per_search(bids.T)  # (n, days)
        win = rates["impressions"].T
        impressions = rng.poisson(searches * win)
        clicks = rng.binomial(impressions, np.broadcast_to(self.click_rate(rates).T, impressions.shape))
        orders = rng.binomial(clicks, self.order_rate(bids.T).T)
        cpc = np.divide(rates["spend"].T, rates["clicks"].T, out=np.zeros((days, n)), where=rates["clicks"].T > 0)
        spend = np.round(clicks * cpc * _mean_one(rng, PRICE_NOISE, (days, n)), 2)
        revenue = np.round(orders * self.order_value * _mean_one(rng, VALUE_NOISE, (days, n)), 2)
        day, unit = np.nonzero(impressions > 0)
        frame = self.keywords.iloc[unit].reset_index(drop=True)
        frame.insert(0, "date", dates[day])
        return frame.assign(bid=bids[day, unit], impressions=impressions[day, unit], clicks=clicks[day, unit],
                            spend=spend[day, unit], orders=orders[day, unit], revenue=revenue[day, unit])


def _mean_one(rng: np.random.Generator, sigma: float, size) -> np.ndarray:
    """Lognormal noise with mean exactly one, so noise never shifts the expected truth."""
    return rng.lognormal(-0.5 * sigma**2, sigma, size)


def make_market(n_keywords: int, *, seed: int, language: str = "zh", start: str = "2026-09-28") -> Market:
    """A market of ``n_keywords`` keywords with the operator's bids as they stand on ``start``.

    ``language`` names plans, items and keywords in Chinese ("zh", for 直通车) or English ("en").
    """
    if isinstance(n_keywords, bool) or not isinstance(n_keywords, (int, np.integer)) or n_keywords < 1:
        raise ValueError(f"The 'n_keywords' parameter must be an int in the range [1, inf). Got {n_keywords!r} instead.")
    if language not in ("zh", "en"):
        raise ValueError(f"The 'language' parameter must be one of 'zh', 'en'. Got {language!r} instead.")
    rng = np.random.default_rng(seed)
    keywords, plan, price, item_cvr, modifiers = _keywords(int(n_keywords), rng, 0 if language == "zh" else 1)
    n = len(keywords)
    exact = keywords["match_type"].to_numpy() == "exact"
    plan_ctr = np.array([p.ctr for p in CATALOGUE])[plan]
    ctr_mean = np.minimum(plan_ctr * np.where(exact, 1.15, 0.95), 0.5)
    ctr = rng.beta(ctr_mean * 60.0, (1.0 - ctr_mean) * 60.0)
    cvr = rng.beta(item_cvr * 120.0, (1.0 - item_cvr) * 120.0)
    order_value = price * (1.0 + np.abs(rng.normal(0.0, 0.08, n)))
    volume = (np.array([p.volume for p in CATALOGUE])[plan] * MODIFIER_VOLUME ** modifiers
              * np.where(exact, 0.6, 1.0) * rng.lognormal(0.0, 1.0, n))
    volume = np.where(rng.random(n) < DEAD_SHARE, rng.uniform(0.05, 0.5, n), volume)
    quality = (ctr / QUALITY_CTR) ** QUALITY_EXPONENT
    # Competitors bid a share of what a click is worth to the category; their scores spread per keyword.
    value_per_click = cvr * order_value
    competitor_mu = np.log(value_per_click * rng.lognormal(np.log(0.42), 0.25, n))
    competitor_sigma = rng.uniform(0.35, 0.85, n)
    # The operator bids toward the plan's ROI aim from the item's value per click, not knowing the keyword's own.
    aim = item_cvr * price / (0.8 * np.array([p.roi for p in CATALOGUE])[plan])
    bid = np.round(np.clip(aim * rng.lognormal(0.0, 0.35, n), *BID_RANGE), 2)
    return Market(keywords, volume, ctr, cvr, order_value, quality, competitor_mu, competitor_sigma, bid,
                  pd.Timestamp(start), int(seed))


def _keywords(n_keywords: int, rng: np.random.Generator, language: int):
    """Spread keywords over the catalogue's items: front + core word + back, unique within an item."""
    items = [(p, item) for p, plan in enumerate(CATALOGUE) for item in plan.items]
    weights = np.array([CATALOGUE[p].weight / len(CATALOGUE[p].items) for p, _ in items])
    counts = rng.multinomial(n_keywords, weights / weights.sum())
    combos = len(FRONTS) * len(BACKS)
    parts: dict[str, list] = {name: [] for name in ("plan", "ad_group", "keyword", "match", "index", "price", "cvr", "mods")}
    joiner = "" if language == 0 else " "
    for (p, item), count in zip(items, counts):  # a loop over ~15 items, not keywords
        words = CATALOGUE[p].words
        total = combos * len(words) * 2
        # short phrases (no front, no back) are drawn first: head terms exist in every account
        chosen = np.sort(rng.choice(total, size=min(count, total), replace=False, p=_phrase_weights(len(words))))
        # past every phrase of the item, the long tail: each phrase again with a variant ("2号", "no. 2")
        extra = np.arange(count - len(chosen))
        chosen, variant = np.concatenate([chosen, extra % total]), np.r_[np.zeros(len(chosen), int), 2 + extra // total]
        match, rest = np.divmod(chosen, combos * len(words))
        word, rest = np.divmod(rest, combos)
        front, back = np.divmod(rest, len(BACKS))
        texts = [joiner.join(part for part in (FRONTS[f][language], words[w][language], BACKS[b][language],
                                               _variant(v, language)) if part)
                 for f, w, b, v in zip(front, word, back, variant)]  # ~100 strings per item
        parts["plan"] += [CATALOGUE[p].name[language]] * count
        parts["ad_group"] += [item[language]] * count
        parts["keyword"] += texts
        parts["match"] += ["exact" if m else "broad" for m in match]
        parts["index"].append(np.full(count, p))
        parts["price"].append(np.full(count, item[2]))
        parts["cvr"].append(np.full(count, item[3]))
        parts["mods"].append((front > 0).astype(int) + (back > 0) + (variant > 0))
    keywords = pd.DataFrame({"plan": parts["plan"], "ad_group": parts["ad_group"], "keyword": parts["keyword"],
                             "match_type": parts["match"]})
    return (keywords, np.concatenate(parts["index"]), np.concatenate(parts["price"]),
            np.concatenate(parts["cvr"]), np.concatenate(parts["mods"]))


def _variant(number: int, language: int) -> str:
    return "" if not number else f"{number}号" if language == 0 else f"no. {number}"


def _phrase_weights(n_words: int) -> np.ndarray:
    """Draw weights over (match, word, front, back): head terms and broad match are likelier."""
    front = np.r_[6.0, np.ones(len(FRONTS) - 1)]
    back = np.r_[4.0, np.ones(len(BACKS) - 1)]
    grid = np.multiply.outer(np.ones(n_words), np.multiply.outer(front, back)).ravel()
    weights = np.concatenate([grid * (1 - EXACT_SHARE), grid * EXACT_SHARE])
    return weights / weights.sum()


def operator_history(market: Market, days: int, rng: np.random.Generator) -> np.ndarray:
    """(days x keywords) bids of the past: ~30% of keywords changed once or twice by ±10-40%.

    The last day's bids are ``market.bid``, today's: the changes are applied backwards.
    """
    n = len(market)
    changed = rng.random(n) < CHANGED_SHARE
    twice = changed & (rng.random(n) < 0.35)
    change_days = np.sort(rng.integers(1, max(days, 2), size=(2, n)), axis=0)
    steps = 1.0 + rng.choice([-1.0, 1.0], size=(2, n)) * rng.uniform(0.10, 0.40, size=(2, n))
    active = np.stack([changed, twice & (change_days[1] > change_days[0])]) & (change_days < days)
    day = np.arange(days)[:, None]
    factor = np.ones((days, n))
    for change in range(2):  # at most two changes per keyword
        factor *= np.where(active[change] & (day < change_days[change]), 1.0 / steps[change], 1.0)
    return np.round(np.clip(market.bid * factor, *BID_RANGE), 2)


def simulate(n_keywords: int, days: int, *, seed: int, language: str = "zh") -> tuple[Market, pd.DataFrame]:
    """A market and its last ``days`` days of history, ending the day before ``market.today``.

    Today's bids are the last day's; the history carries the operator's bid changes.
    """
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise ValueError(f"The 'days' parameter must be an int in the range [1, inf). Got {days!r} instead.")
    return history_of(make_market(n_keywords, seed=seed, language=language), int(days), seed)


def history_of(market: Market, days: int, seed: int) -> tuple[Market, pd.DataFrame]:
    """``days`` days of the operator's bids played in ``market``, and the market as it stands after them."""
    rng = np.random.default_rng([seed, 1])
    bids = operator_history(market, days, rng)
    history = market.play(bids, market.today, days, rng)
    return market.with_bids(bids[-1], today=market.today + pd.Timedelta(days=days)), history
