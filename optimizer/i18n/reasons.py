"""The reasons of bids.csv, report.html and the workbench's keyword table (:mod:`optimizer.decisions.explain`).

The four sentences of an action each quote two numbers, by name; the other messages
are added to a sentence or replace it.
"""

MESSAGES = {
    "reason.raise": {
        "en": "marginal ROI {step_in} above the {cutoff} cut-off: raised to buy more clicks",
        "zh-CN": "边际投入产出比 {step_in} 高于门槛 {cutoff}：提价，多买点击",
    },
    "reason.cut": {
        "en": "marginal ROI {step_out} below the {cutoff} cut-off at a higher bid: cut to where the last click pays",
        "zh-CN": "更高出价下的边际投入产出比 {step_out} 低于门槛 {cutoff}：降价到最后一次点击仍然划算的出价",
    },
    "reason.pause": {
        "en": "even the lowest bid returns ROI {first_step}, below the {cutoff} cut-off: paused",
        "zh-CN": "最低出价的投入产出比 {first_step} 也低于门槛 {cutoff}：暂停",
    },
    "reason.hold": {
        "en": "already at the best bid for the {cutoff} cut-off (next step up returns {step_out})",
        "zh-CN": "已是门槛 {cutoff} 下的最佳出价（再提一档的边际投入产出比为 {step_out}）",
    },
    "reason.at_bid_limit": {
        "en": " (as far as the bid limits allow)",
        "zh-CN": "（已到出价上限）",
    },
    "reason.part_paused": {
        "en": " — paused {share}% of the week",
        "zh-CN": "；本周 {share}% 的时间暂停",
    },
    "reason.time_split": {
        "en": " — time split: {share}% of the week at {bid}, {second_share}% at {second_bid}",
        "zh-CN": "；分时出价：本周 {share}% 的时间出价 {bid}，{second_share}% 的时间出价 {second_bid}",
    },
    "reason.no_data": {
        "en": "no impressions in the last {days} days (无展现词): kept; check its relevance or test a higher bid",
        "zh-CN": "近 {days} 天无展现（无展现词）：出价不变；请检查相关性，或试一个更高的出价",
    },
    "reason.locked": {
        "en": "plan locked: bid kept as it is",
        "zh-CN": "计划已锁定：出价不变",
    },
    "reason.platform_min": {
        "en": " (at {platform}'s minimum bid {bid})",
        "zh-CN": "（已到 {platform} 的最低出价 {bid}）",
    },
    "reason.platform_max": {
        "en": " (at {platform}'s maximum bid {bid})",
        "zh-CN": "（已到 {platform} 的最高出价 {bid}）",
    },
    "reason.never_raised": {
        "en": " — never raised: spent {factor}x the account's cost per order or more without an order",
        "zh-CN": "；不提价：花费已达账户单笔成交成本的 {factor} 倍以上却没有成交",
    },
    "reason.kept_running": {
        "en": " — kept running: {orders}+ orders at {factor}x the ROI floor or better",
        "zh-CN": "；保持投放：已有 {orders} 笔以上成交，投入产出比达到下限的 {factor} 倍或更高",
    },
    "plans.daily_limit_raised": {
        "en": "daily limit {limit} raised to {platform}'s minimum daily budget {budget}; the bids still spend about the "
              "new budget",
        "zh-CN": "日限额 {limit} 提高到 {platform} 的最低日预算 {budget}；出价的花费仍约为新预算",
    },
    "placement.figures": {
        "en": "{clicks} clicks, {orders} orders; value per click {mean} shrunk, {low} at {confidence} confidence",
        "zh-CN": "{clicks} 次点击，{orders} 笔成交；单次点击价值收缩后 {mean}，{confidence} 置信度下 {low}",
    },
    "placement.versus": {"en": "{figures}, {times}× rest of search's {rest}",
                         "zh-CN": "{figures}，是其余搜索位置（{rest}）的 {times} 倍"},
    "placement.today_unknown": {"en": "+0% (taken as today's without a bulk file)",
                                "zh-CN": "+0%（没有批量文件，按当前溢价计）"},
    "placement.today": {"en": "+{percent}%", "zh-CN": "+{percent}%"},
    "placement.price_cap": {
        "en": "{cap} = value per click / ROI floor {floor} (CPC here {cpc} at {today})",
        "zh-CN": "{cap} = 单次点击价值 / 投入产出比下限 {floor}（此处平均点击花费 {cpc}，溢价 {today}）",
    },
    "placement.reference": {"en": "reference: the keyword bids are for rest of search; value per click {rest} shrunk",
                            "zh-CN": "基准：关键词出价针对其余搜索位置；单次点击价值收缩后 {rest}"},
    "placement.no_sales": {"en": "no sales in the placement report: no uplift", "zh-CN": "展示位置报表中没有销售：不加溢价"},
    "placement.below_zero": {"en": "{versus}: no uplift (Amazon takes no cut below 0%)",
                             "zh-CN": "{versus}：不加溢价（亚马逊不接受低于 0% 的溢价）"},
    "placement.dearer": {"en": "{versus}, but a dearer click would pass {cap}: no uplift",
                         "zh-CN": "{versus}，但点击更贵就会超过 {cap}：不加溢价"},
    "placement.max": {"en": "{versus}: capped at Amazon's {percent}%", "zh-CN": "{versus}：以亚马逊上限 {percent}% 为限"},
    "placement.capped": {"en": "{versus}; capped at +{percent}% where CPC would reach {cap}",
                         "zh-CN": "{versus}；溢价限于 +{percent}%，此时平均点击花费将达到 {cap}"},
    "placement.uplift": {"en": "{versus}: +{percent}%", "zh-CN": "{versus}：+{percent}%"},
    "action.raise": {"en": "raise", "zh-CN": "提价"},
    "action.cut": {"en": "cut", "zh-CN": "降价"},
    "action.hold": {"en": "hold", "zh-CN": "不变"},
    "action.pause": {"en": "pause", "zh-CN": "暂停"},
}
