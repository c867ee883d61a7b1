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
    "action.raise": {"en": "raise", "zh-CN": "提价"},
    "action.cut": {"en": "cut", "zh-CN": "降价"},
    "action.hold": {"en": "hold", "zh-CN": "不变"},
    "action.pause": {"en": "pause", "zh-CN": "暂停"},
}
