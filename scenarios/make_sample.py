"""Seeded generator of realistic 直通车 (Zhitongche) keyword reports.

    python scenarios/make_sample.py [--keywords 300] [--days 28] [--seed 7] [--out PATH]

It ships the sample shop in ``scenarios/data/ztc_keywords.csv`` and feeds the
10,000-keyword benchmark. The market, so that what the optimizer finds can be
checked against what was put in:

- **Plans and items.** Seven 推广计划 (``PLANS``), each with 2-4 宝贝 of known price,
  from cheap traffic drivers (防晒喷雾 ¥69) to image items (双面羊绒大衣 ¥999). Plans
  differ on purpose: 防晒霜 and 坚果 convert well (ROI ~3-4), 保温杯-新品测款 and
  羊绒大衣-形象款 do not (ROI ~1.3-1.9), 女装 and 男鞋 sit near the account's ~2.2-2.5.
  300 keywords spend about ¥4,000 a day; spend grows in proportion to ``n_keywords``.
- **Keywords.** Chinese phrases joined from word lists (front + core + back + extra),
  unique within an item; shorter phrases are head terms with more searches. ~35% are
  精确匹配 (fewer searches, higher CTR), the rest 广泛匹配.
- **Per keyword.** Daily search volume lognormal (heavy-tailed; ~3% nearly dead
  无展现词); true CTR ~ Beta, mean set by the plan (1.7%-4.2%); true CVR ~ Beta, mean
  set by the item (0.5%-6%); order value = price x (1 + small noise).
- **Bid response.** impressions ~ Poisson(volume x weekday x noise x share(bid)),
  share = 1 - exp(-(bid / b_ref)^k), k in [0.9, 1.6]; CPC = bid x (0.6-0.9), lower
  for keywords with high CTR (quality score), never above the bid; clicks ~
  Binomial(impressions, CTR); orders ~ Binomial(clicks, CVR); revenue = orders x
  order value x noise; spend = clicks x CPC. Weekends have 15% more searches.
- **History.** ~30% of keywords had their bid changed once or twice (±10-40%) on a
  random day, so the response to the bid can be estimated. The calendar carries no
  promotion effect (no 双11 spike), although the default window spans 11-11.

One row per keyword and day with impressions > 0 (the platform omits all-zero days).
Everything is numpy over (day x keyword) arrays; the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("date", "plan", "ad_group", "keyword", "match_type", "bid", "impressions", "clicks",
           "spend", "orders", "revenue")
ZTC_HEADERS = ("日期", "推广计划名称", "宝贝名称", "关键词", "匹配方式", "出价", "展现量", "点击量",
               "点击率", "花费", "平均点击花费", "总成交笔数", "总成交金额", "投入产出比")
MATCH_NAMES = {"exact": "精确匹配", "broad": "广泛匹配"}
TOTAL_LABEL = "合计"
#: GBK has no U+00A5 "¥"; Chinese exports write the full-width yuan sign.
YUAN = "￥"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "ztc_keywords.csv"

EXACT_SHARE = 0.35          # keywords bid on as 精确匹配
DEAD_SHARE = 0.03           # 无展现词: a fraction of an impression a day
CHANGED_SHARE = 0.30        # keywords whose bid the operator changed in the window
WEEKEND_LIFT = 1.15
BID_FLOOR, BID_CEILING = 0.30, 5.00   # today's bids; changes may leave this range a little
MODIFIER_VOLUME = 0.40      # each word added to a phrase keeps 40% of the searches
VOLUME_SIGMA = 1.1          # lognormal spread of search volume within a plan


@dataclass(frozen=True)
class Item:
    """One promoted 宝贝: its title, price (yuan), mean conversion rate and core search words."""

    name: str
    price: float
    cvr: float
    cores: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """One 推广计划: its items, the words its keywords are built from, and its market.

    ``ctr`` is the plan's mean click-through rate, ``volume`` the median daily searches of a
    head keyword, ``roi`` the return the operator's bids aim at (bids are set from it, so the
    plan's realised ROI lands near it), ``weight`` its share of the keywords.
    """

    name: str
    items: tuple[Item, ...]
    fronts: tuple[str, ...]
    backs: tuple[str, ...]
    ctr: float
    volume: float
    roi: float
    weight: float


_DRESS_FRONTS = ("法式", "韩版", "气质", "显瘦", "收腰", "高级感", "小个子", "大码", "温柔风", "复古",
                 "小众设计感", "森系", "通勤", "名媛风")
_DRESS_BACKS = ("女", "女装", "秋冬", "秋季", "2026新款", "新款", "长袖", "中长款", "过膝", "春秋款",
                "女秋", "洋气")
EXTRAS = ("推荐", "热卖", "包邮", "同款", "爆款", "品牌", "特价", "店铺")

PLANS: tuple[Plan, ...] = (
    Plan("女装-连衣裙-主推", (
        Item("法式碎花雪纺连衣裙女2026秋季新款", 159.0, 0.030,
             ("连衣裙", "碎花连衣裙", "雪纺连衣裙", "碎花裙", "法式连衣裙")),
        Item("赫本风小黑裙收腰显瘦长裙", 229.0, 0.024, ("小黑裙", "赫本风连衣裙", "黑色连衣裙", "长裙")),
        Item("针织毛衣连衣裙两件套", 199.0, 0.028, ("针织连衣裙", "毛衣裙", "两件套连衣裙", "针织裙")),
    ), _DRESS_FRONTS, _DRESS_BACKS, ctr=0.038, volume=1800.0, roi=2.3, weight=0.22),
    Plan("女装-连衣裙-引流", (
        Item("纯棉T恤连衣裙宽松中长款", 79.0, 0.040, ("T恤裙", "纯棉连衣裙", "宽松连衣裙", "休闲连衣裙")),
        Item("碎花吊带裙打底长裙", 69.0, 0.044, ("吊带裙", "吊带连衣裙", "打底裙", "碎花长裙")),
    ), _DRESS_FRONTS, _DRESS_BACKS, ctr=0.027, volume=1400.0, roi=1.9, weight=0.14),
    Plan("防晒霜-引流", (
        Item("清爽防晒霜SPF50+面部隔离乳", 89.0, 0.058, ("防晒霜", "防晒乳", "隔离防晒", "面部防晒")),
        Item("便携防晒喷雾全身可用", 69.0, 0.052, ("防晒喷雾", "喷雾防晒", "身体防晒")),
        Item("儿童温和防晒乳宝宝专用", 99.0, 0.048, ("儿童防晒霜", "宝宝防晒", "儿童防晒乳", "婴儿防晒")),
    ), ("清爽", "不油腻", "防水防汗", "学生", "敏感肌", "户外", "军训", "高倍", "素颜", "保湿", "温和"),
        ("女", "男", "spf50", "正品", "官方", "面部", "全身", "小样", "学生党", "秋冬", "旗舰"),
        ctr=0.042, volume=1000.0, roi=3.3, weight=0.14),
    Plan("男鞋-运动鞋-爆款", (
        Item("男士透气减震跑步鞋", 199.0, 0.030, ("跑步鞋", "运动鞋", "跑鞋", "慢跑鞋")),
        Item("复古厚底老爹鞋男", 259.0, 0.024, ("老爹鞋", "厚底鞋", "增高鞋", "复古运动鞋")),
        Item("轻便百搭休闲板鞋小白鞋", 149.0, 0.034, ("板鞋", "小白鞋", "休闲鞋", "帆布鞋")),
        Item("加绒保暖棉鞋男冬季", 129.0, 0.032, ("棉鞋", "加绒鞋", "保暖鞋", "冬季男鞋")),
    ), ("男士", "透气", "轻便", "减震", "网面", "学生", "潮流", "百搭", "防滑", "软底", "大码", "青少年"),
        ("男", "男款", "2026新款", "潮鞋", "正品", "休闲", "秋冬", "鞋子男", "秋季", "中年", "黑色"),
        ctr=0.032, volume=1600.0, roi=2.4, weight=0.18),
    Plan("坚果零食-礼盒", (
        Item("每日坚果混合果仁30包", 129.0, 0.052, ("每日坚果", "混合坚果", "坚果", "果仁")),
        Item("坚果零食大礼包送礼礼盒", 168.0, 0.040, ("坚果礼盒", "零食大礼包", "干果礼盒", "坚果大礼包")),
        Item("奶油味碧根果500g", 49.0, 0.050, ("碧根果", "长寿果", "山核桃", "奶油碧根果")),
    ), ("每日", "混合", "孕妇", "儿童", "办公室", "休闲", "原味", "低温烘焙", "新货", "年货", "送礼"),
        ("礼盒", "大礼包", "整箱", "散装", "30包", "1kg", "零食", "健康", "小包装", "批发", "罐装"),
        ctr=0.025, volume=1200.0, roi=3.8, weight=0.12),
    Plan("保温杯-新品测款", (
        Item("316不锈钢智能测温保温杯", 119.0, 0.016, ("保温杯", "不锈钢保温杯", "智能保温杯", "测温保温杯")),
        Item("儿童吸管保温杯上学专用", 89.0, 0.020, ("儿童保温杯", "吸管杯", "儿童水杯", "宝宝水杯")),
    ), ("316不锈钢", "大容量", "便携", "男士", "女士", "高颜值", "学生", "车载", "智能", "轻量", "弹盖"),
        ("杯子", "水杯", "男", "女", "2026新款", "礼盒", "定制", "带茶隔", "刻字", "正品", "500ml"),
        ctr=0.017, volume=1400.0, roi=1.3, weight=0.10),
    Plan("羊绒大衣-形象款", (
        Item("双面羊绒大衣女中长款高端", 999.0, 0.005, ("羊绒大衣", "双面羊绒大衣", "羊绒外套", "双面呢大衣")),
        Item("100%羊毛呢子大衣女", 599.0, 0.008, ("羊毛大衣", "呢子大衣", "毛呢外套", "羊毛外套")),
    ), ("高端", "双面", "纯羊绒", "中长款", "赫本风", "气质", "韩版", "小个子", "通勤", "加厚", "长款"),
        ("女", "女装", "秋冬", "2026新款", "冬季", "外套", "过膝", "高级感", "大牌", "驼色", "黑色"),
        ctr=0.022, volume=800.0, roi=1.7, weight=0.10),
)


def make_keyword_report(n_keywords: int = 300, days: int = 28, seed: int = 7,
                        start: str = "2026-10-26") -> pd.DataFrame:
    """A keyword x day performance report of the ``PLANS`` market, in canonical columns.

    Rows are ordered by date, then plan and item as in ``PLANS``; only keyword-days with
    impressions appear. ``match_type`` is "exact" or "broad"; money is rounded to fen.
    """
    if isinstance(n_keywords, bool) or not isinstance(n_keywords, (int, np.integer)) or n_keywords < 1:
        raise ValueError("The 'n_keywords' parameter must be an int in the range [1, inf). "
                         f"Got {n_keywords!r} instead.")
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise ValueError(f"The 'days' parameter must be an int in the range [1, inf). Got {days!r} instead.")
    rng = np.random.default_rng(seed)
    keywords = _keywords(int(n_keywords), rng)
    count = len(keywords["keyword"])
    dates = pd.date_range(pd.Timestamp(start), periods=int(days), freq="D")

    # Per keyword: market and the operator's bid.
    plan = keywords["plan_index"]
    item_cvr, item_price = keywords["item_cvr"], keywords["item_price"]
    plan_ctr = np.array([p.ctr for p in PLANS])[plan]
    plan_volume = np.array([p.volume for p in PLANS])[plan]
    plan_roi = np.array([p.roi for p in PLANS])[plan]
    exact = rng.random(count) < EXACT_SHARE
    ctr_mean = np.minimum(plan_ctr * np.where(exact, 1.15, 0.95), 0.5)
    ctr = rng.beta(ctr_mean * 50.0, (1.0 - ctr_mean) * 50.0)
    cvr = rng.beta(item_cvr * 150.0, (1.0 - item_cvr) * 150.0)
    order_value = item_price * (1.0 + np.abs(rng.normal(0.0, 0.08, count)))
    volume = (plan_volume * MODIFIER_VOLUME ** keywords["modifiers"] * np.where(exact, 0.6, 1.0)
              * rng.lognormal(0.0, VOLUME_SIGMA, count))
    dead = rng.random(count) < DEAD_SHARE
    volume = np.where(dead, rng.uniform(0.15, 1.0, count), volume)
    # Quality score: a keyword that clicks better than its plan pays a smaller share of its bid.
    quality = np.log(ctr / ctr_mean)
    discount = np.clip(0.76 - 0.08 * quality + rng.normal(0.0, 0.03, count), 0.6, 0.9)
    # The operator bids toward the plan's ROI aim from the item's value per click, knowing neither
    # the keyword's own CVR nor its CPC discount, hence the spread.
    aim = item_cvr * item_price / (0.76 * plan_roi)
    first_bid = np.round(np.clip(aim * rng.lognormal(0.0, 0.35, count), BID_FLOOR, BID_CEILING), 2)
    b_ref = first_bid * rng.lognormal(np.log(1.25), 0.3, count)
    steepness = rng.uniform(0.9, 1.6, count)

    # Day x keyword: bids after the operator's changes, then the auction and the shoppers.
    bid = _bid_history(first_bid, int(days), rng)
    weekday = np.where(dates.day_of_week.to_numpy() >= 5, WEEKEND_LIFT, 1.0)
    market = weekday * rng.lognormal(0.0, 0.05, len(dates))
    share = 1.0 - np.exp(-((bid / b_ref) ** steepness))
    expected = volume * market[:, None] * rng.lognormal(0.0, 0.25, bid.shape) * share
    impressions = rng.poisson(expected)
    clicks = rng.binomial(impressions, ctr)
    orders = rng.binomial(clicks, cvr)
    cpc = bid * np.clip(discount * rng.lognormal(0.0, 0.03, bid.shape), 0.6, 0.9)
    spend = np.round(clicks * cpc, 2)
    revenue = np.round(orders * order_value * rng.lognormal(0.0, 0.06, bid.shape), 2)

    day, unit = np.nonzero(impressions > 0)
    return pd.DataFrame({
        "date": dates[day],
        "plan": keywords["plan"][unit],
        "ad_group": keywords["ad_group"][unit],
        "keyword": keywords["keyword"][unit],
        "match_type": np.where(exact, "exact", "broad")[unit],
        "bid": bid[day, unit],
        "impressions": impressions[day, unit].astype(np.int64),
        "clicks": clicks[day, unit].astype(np.int64),
        "spend": spend[day, unit],
        "orders": orders[day, unit].astype(np.int64),
        "revenue": revenue[day, unit],
    }, columns=list(COLUMNS))


def _keywords(n_keywords: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Spread ``n_keywords`` over the plans' items; phrases unique within an item.

    Phrases are front + core + back + extra, each slot possibly empty; short phrases are
    drawn more often (Gumbel top-k over the weighted combinations, so no repeats).
    """
    items = [(p_index, plan, item) for p_index, plan in enumerate(PLANS) for item in plan.items]
    weights = np.array([plan.weight / len(plan.items) for _, plan, _ in items])
    counts = rng.multinomial(n_keywords, weights / weights.sum())
    parts: dict[str, list[np.ndarray]] = {name: [] for name in
                                          ("plan_index", "plan", "ad_group", "keyword", "modifiers",
                                           "item_cvr", "item_price")}
    for (p_index, plan, item), count in zip(items, counts):  # a loop over ~20 items, not keywords
        if count == 0:
            continue
        slots = [("",) + plan.fronts, item.cores, ("",) + plan.backs, ("",) + EXTRAS]
        slot_weights = [np.r_[4.0, np.ones(len(plan.fronts))], np.ones(len(item.cores)),
                        np.r_[3.0, np.ones(len(plan.backs))], np.r_[12.0, np.ones(len(EXTRAS))]]
        grid = np.indices([len(slot) for slot in slots]).reshape(len(slots), -1)
        log_weight = sum(np.log(w)[g] for w, g in zip(slot_weights, grid))
        order = np.argsort(-(log_weight + rng.gumbel(size=grid.shape[1])), kind="stable")
        for head in (min(2 * count + 64, len(order)), len(order)):  # spell out few, all if needed
            ranked = grid[:, order[:head]]
            phrase = np.asarray(slots[0], dtype=object)[ranked[0]]
            for slot, index in zip(slots[1:], ranked[1:]):
                phrase = phrase + np.asarray(slot, dtype=object)[index]
            unique = ~pd.Series(phrase).duplicated().to_numpy()
            if unique.sum() >= count:
                break
        grid = ranked
        if unique.sum() < count:
            raise ValueError(f"Item {item.name!r} has only {unique.sum()} distinct keywords; "
                             f"{count} were asked for. Ask for fewer keywords.")
        chosen = np.flatnonzero(unique)[:count]
        parts["plan_index"].append(np.full(count, p_index))
        parts["plan"].append(np.full(count, plan.name, dtype=object))
        parts["ad_group"].append(np.full(count, item.name, dtype=object))
        parts["keyword"].append(phrase[chosen])
        parts["modifiers"].append((grid[[0, 2, 3]][:, chosen] > 0).sum(axis=0))
        parts["item_cvr"].append(np.full(count, item.cvr))
        parts["item_price"].append(np.full(count, item.price))
    return {name: np.concatenate(values) for name, values in parts.items()}


def _bid_history(first_bid: np.ndarray, days: int, rng: np.random.Generator) -> np.ndarray:
    """(days x keywords) bids: ~30% of keywords changed once or twice by ±10-40% on random days."""
    count = len(first_bid)
    changed = rng.random(count) < CHANGED_SHARE
    twice = changed & (rng.random(count) < 0.35)
    change_days = np.sort(rng.integers(1, max(days, 2), size=(2, count)), axis=0)
    steps = (1.0 + rng.choice([-1.0, 1.0], size=(2, count)) * rng.uniform(0.10, 0.40, size=(2, count)))
    active = np.stack([changed, twice & (change_days[1] > change_days[0])]) & (change_days < days)
    day = np.arange(days)[:, None]
    factor = np.ones((days, count))
    for change in range(2):  # at most two changes per keyword
        factor *= np.where(active[change] & (day >= change_days[change]), steps[change], 1.0)
    return np.round(np.clip(first_bid * factor, 0.10, 8.00), 2)


def write_ztc_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (canonical columns) as a 直通车 export: GBK, Chinese headers, a 合计 row.

    Money: 花费 and 总成交金额 as "￥1,234.50", 出价 and 平均点击花费 plain; 点击率 as "3.21%";
    "-" where a ratio is undefined (no clicks). Written to a temporary file in the same folder,
    then renamed into place, so a reader never sees half a file.
    """
    impressions = frame["impressions"].to_numpy(np.int64)
    clicks = frame["clicks"].to_numpy(np.int64)
    orders = frame["orders"].to_numpy(np.int64)
    spend = frame["spend"].to_numpy(np.float64)
    revenue = frame["revenue"].to_numpy(np.float64)
    columns = [
        _text(pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")),
        _text(frame["plan"]), _text(frame["ad_group"]), _text(frame["keyword"]),
        _text(frame["match_type"].astype(str).replace(MATCH_NAMES)),
        _fixed(frame["bid"].to_numpy(np.float64)),
        impressions.astype(_TEXT), clicks.astype(_TEXT),
        _ratio(clicks * 100.0, impressions, "%"),
        _money(spend),
        _ratio(spend, clicks),
        orders.astype(_TEXT),
        _money(revenue),
        _ratio(revenue, spend),
    ]
    total_impressions, total_clicks, total_spend, total_orders, total_revenue = (
        np.array([column.sum()]) for column in (impressions, clicks, spend, orders, revenue))
    total = [np.array([cell], dtype=_TEXT) for cell in (TOTAL_LABEL, "", "", "", "", "-")] + [
        total_impressions.astype(_TEXT), total_clicks.astype(_TEXT),
        _ratio(total_clicks * 100.0, total_impressions, "%"), _money(total_spend),
        _ratio(total_spend, total_clicks), total_orders.astype(_TEXT), _money(total_revenue),
        _ratio(total_revenue, total_spend)]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # QUOTE_MINIMAL: "￥1,234.50" gets quotes
    writer.writerow(ZTC_HEADERS)
    writer.writerows(zip(*(column.tolist() for column in columns)))
    writer.writerow([cell[0] for cell in total])
    return _write_atomic(Path(path), text.getvalue().encode("gbk"))


def _text(values: pd.Series | np.ndarray) -> np.ndarray:
    """Values as a numpy text array; repeated names (plans, keywords) are converted once each."""
    codes, uniques = pd.factorize(pd.Series(values), use_na_sentinel=False)
    return np.asarray(uniques.astype(str), dtype=_TEXT)[codes]


def _write_atomic(target: Path, content: bytes) -> Path:
    """Write ``content`` next to ``target`` under a temporary name, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return target


_TEXT = np.dtypes.StringDType()


def _fixed(values: np.ndarray) -> np.ndarray:
    """Non-negative numbers as text with two decimals ("1234.50"), without a Python loop per value."""
    fen = np.rint(np.asarray(values, dtype=np.float64) * 100.0).astype(np.int64)
    yuan, cents = np.divmod(fen, 100)
    return np.strings.add(np.strings.add(yuan.astype(_TEXT), "."), np.strings.zfill(cents.astype(_TEXT), 2))


def _money(values: np.ndarray) -> np.ndarray:
    """Non-negative yuan as "￥1,234.50": thousands grouped three digits at a time."""
    fen = np.rint(np.asarray(values, dtype=np.float64) * 100.0).astype(np.int64)
    yuan, cents = np.divmod(fen, 100)
    text = np.full(len(yuan), YUAN, dtype=_TEXT)
    digits = len(str(int(yuan.max()))) if len(yuan) else 1
    for power in range((digits + 2) // 3 - 1, -1, -1):  # a loop over digit groups, not values
        group = ((yuan // 1000 ** power) % 1000).astype(_TEXT)
        padded = np.where(yuan < 1000 ** (power + 1), group, np.strings.zfill(group, 3))
        shown = (yuan >= 1000 ** power) | (power == 0)
        text = np.where(shown, np.strings.add(np.strings.add(text, padded), "," if power else ""), text)
    return np.strings.add(np.strings.add(text, "."), np.strings.zfill(cents.astype(_TEXT), 2))


def _ratio(numerator: np.ndarray, denominator: np.ndarray, suffix: str = "") -> np.ndarray:
    """numerator / denominator with two decimals and ``suffix``; "-" where the denominator is 0."""
    denominator = np.asarray(denominator, dtype=np.float64)
    defined = denominator > 0
    value = np.divide(numerator, denominator, out=np.zeros(len(denominator)), where=defined)
    return np.where(defined, np.strings.add(_fixed(value), suffix), np.array("-", dtype=_TEXT))


def main(argv: list[str] | None = None) -> int:
    """Generate a report and write it as a 直通车 CSV; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=300, help="keywords (default 300)")
    parser.add_argument("--days", type=int, default=28, help="days of history (default 28)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="CSV to write (default scenarios/data/ztc_keywords.csv)")
    args = parser.parse_args(argv)
    try:
        frame = make_keyword_report(args.keywords, args.days, seed=args.seed)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    path = write_ztc_csv(frame, args.out)
    spend, revenue = frame["spend"].sum(), frame["revenue"].sum()
    units = frame[["plan", "ad_group", "keyword", "match_type"]].drop_duplicates()
    print(f"wrote {path}: {len(units):,} keywords in {frame['plan'].nunique()} plans, "
          f"{frame['date'].nunique()} days, {len(frame):,} rows; "
          f"spend {YUAN}{spend / max(frame['date'].nunique(), 1):,.0f}/day, ROI {revenue / spend:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
