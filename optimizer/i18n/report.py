"""report.html (:mod:`optimizer.outputs.html_report`), and the words for the data's names every page shares.

``column.*`` name a table's columns and ``objective.*`` what a plan maximises: their English
is the name itself, so an English page reads as the data does.
"""

_COLUMNS = {
    "impressions": "展现量", "clicks": "点击量", "spend": "花费", "orders": "成交笔数", "revenue": "成交金额",
    "roi": "投入产出比", "ctr": "点击率", "cpc": "平均点击花费", "plan": "计划", "ad_group": "推广单元",
    "keyword": "关键词", "match_type": "匹配方式", "current_bid": "当前出价", "new_bid": "新出价",
    "change_pct": "变化 %", "action": "调整", "reason": "原因", "current_spend": "当前花费",
    "new_budget": "新预算", "daily_limit": "日限额", "scenario": "方案", "budget": "预算",
    "spend forecast": "花费预测", "spend actual": "实际花费", "revenue forecast": "成交金额预测",
    "revenue actual": "实际成交金额", "roi forecast": "投入产出比预测", "roi actual": "实际投入产出比",
    "bids applied": "已执行出价", "objective": "目标", "min_roi": "投入产出比下限", "objective_value": "目标值",
}
_OBJECTIVES = {"revenue": "成交金额", "orders": "成交笔数", "clicks": "点击量", "profit": "利润"}

MESSAGES = {
    **{f"column.{name}": {"en": name, "zh-CN": text} for name, text in _COLUMNS.items()},
    **{f"objective.{name}": {"en": name, "zh-CN": text} for name, text in _OBJECTIVES.items()},
    "kpi.before": {"en": "before (the reports' average {days} days)", "zh-CN": "调价前（报表平均每 {days} 天）"},
    "kpi.today": {"en": "today's bids at the recent pace (forecast)", "zh-CN": "当前出价按近期节奏（预测）"},
    "kpi.after": {"en": "after (new bids)", "zh-CN": "调价后（新出价）"},
    "figure.frontier": {"en": "efficient frontier", "zh-CN": "有效前沿"},
    "figure.today": {"en": "today", "zh-CN": "当前"},
    "figure.plan": {"en": "plan", "zh-CN": "方案"},
    "figure.spend": {"en": "spend over the period", "zh-CN": "周期花费"},
    "figure.others": {"en": "others ({count})", "zh-CN": "其他（{count}）"},
    "figure.plan_budgets": {"en": "Plan budgets before and after", "zh-CN": "调价前后的计划预算"},
    "figure.largest_moves": {"en": ": the {top} largest moves of {count} plans",
                             "zh-CN": "：{count} 个计划中变动最大的 {top} 个"},
    "figure.total": {"en": "total", "zh-CN": "合计"},
    "figure.forecast": {"en": "forecast", "zh-CN": "预测"},
    "figure.actual": {"en": "actual", "zh-CN": "实际"},
    "figure.forecast_check": {"en": "Run {run}: forecast vs actual", "zh-CN": "第 {run} 次运行：预测与实际"},
    "figure.largest_misses": {"en": " (the {top} largest misses of {count} plans)",
                              "zh-CN": "（{count} 个计划中偏差最大的 {top} 个）"},
    "figure.keywords": {"en": "Keywords: raise high CTR x high conversion, cut the rest",
                        "zh-CN": "关键词：点击率高且转化率高的提价，其余降价"},
    "figure.density": {"en": "all {count} keywords (density)", "zh-CN": "全部 {count} 个关键词（密度）"},
    "figure.keywords_dense": {
        "en": "{count} keywords (density, darker = more); the {movers} largest changes of spend marked",
        "zh-CN": "{count} 个关键词（密度，颜色越深越多）；标出花费变化最大的 {movers} 个",
    },
    "figure.ctr": {"en": "CTR (%)", "zh-CN": "点击率 (%)"},
    "figure.cvr": {"en": "CVR (%)", "zh-CN": "转化率 (%)"},
    "figure.bubble": {"en": "bubble size = spend today", "zh-CN": "气泡大小 = 当前花费"},
    "report.title.plan": {"en": "bidopt plan — {name}", "zh-CN": "bidopt 调价方案 — {name}"},
    "report.title.compare": {"en": "bidopt compare", "zh-CN": "bidopt 方案对比"},
    "report.objective": {
        "en": "Objective <b>{objective}</b> over {days} days, budget {budget}{floor}.",
        "zh-CN": "目标 <b>{objective}</b>，周期 {days} 天，预算 {budget}{floor}。",
    },
    "report.floor": {"en": ", ROI floor {floor}", "zh-CN": "，投入产出比下限 {floor}"},
    "report.before_after": {"en": "Before and after", "zh-CN": "调价前后"},
    "report.shadow_prices": {
        "en": "One more unit of budget buys {budget_price} {objective}; +0.1 of ROI floor costs {roi_price}. "
              "Binding: {binding}.",
        "zh-CN": "预算每多 1 元，多得 {budget_price} {objective}；投入产出比下限每提高 0.1，损失 {roi_price}。"
                 "起作用的限制：{binding}。",
    },
    "report.none": {"en": "none", "zh-CN": "无"},
    "report.frontier": {"en": "What each budget buys", "zh-CN": "每档预算能买到什么"},
    "report.money_moves": {"en": "Where the money moves", "zh-CN": "预算流向"},
    "report.top_plans": {
        "en": "The {top} largest moves of {count} plans; every plan is in plans.csv.",
        "zh-CN": "{count} 个计划中变动最大的 {top} 个；全部计划见 plans.csv。",
    },
    "report.held_floors": {
        "en": "The ROI floors hold with {confidence} confidence (ROI {roi} at the lower bound of value per click); "
              "the margin costs {cost} {objective} ({share}).",
        "zh-CN": "投入产出比下限以 {confidence} 的置信度成立（按单次点击价值的下界，投入产出比为 {roi}）；"
                 "这份余量损失 {cost} {objective}（{share}）。",
    },
    "report.forecast_check": {
        "en": "Last run's forecast vs actual (run {run})",
        "zh-CN": "上次方案的预测与实际（第 {run} 次运行）",
    },
    "report.keywords": {"en": "Keywords", "zh-CN": "关键词"},
    "report.largest_raises": {"en": "Largest raises", "zh-CN": "提价最多"},
    "report.largest_cuts": {"en": "Largest cuts", "zh-CN": "降价最多"},
    "report.check": {"en": "Check before uploading", "zh-CN": "上传前请检查"},
    "report.scenarios": {"en": "Scenarios side by side", "zh-CN": "方案对比"},
    "report.scenario_budgets": {"en": "Plan budgets in each scenario", "zh-CN": "各方案的计划预算"},
    "report.frontier_first": {
        "en": "What each budget buys (first scenario)",
        "zh-CN": "每档预算能买到什么（第一个方案）",
    },
}
