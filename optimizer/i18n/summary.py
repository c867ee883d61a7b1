"""summary.md (:mod:`optimizer.decisions.sheets`): headings, sentences and table heads, in Markdown."""

_LIMITS = {
    "plan_budget_cap": "计划预算上限", "plan_budget_floor": "计划预算下限", "plan_min_roi": "计划投入产出比下限",
    "item_stock": "库存", "item_min_orders": "宝贝最少成交笔数", "item_min_share": "宝贝最低花费占比",
}

MESSAGES = {
    "limit.budget": {"en": "budget", "zh-CN": "总预算"},
    "limit.min_roi": {"en": "min_roi", "zh-CN": "投入产出比下限"},
    **{f"limit.{kind}": {"en": kind + "[{name}]", "zh-CN": words + "[{name}]"} for kind, words in _LIMITS.items()},
    "limit.max_raise.keywords": {
        "en": "max_raise ({count} keywords raised as far as allowed)",
        "zh-CN": "提价上限（{count} 个关键词已提到上限）",
    },
    "limit.max_raise.plans": {
        "en": "max_raise ({count} plans raised as far as allowed)",
        "zh-CN": "提价上限（{count} 个计划已提到上限）",
    },
    "status.optimal": {"en": "optimal", "zh-CN": "最优"},
    "status.infeasible": {"en": "infeasible", "zh-CN": "无可行解"},
    "status.unbounded": {"en": "unbounded", "zh-CN": "无界"},
    "status.iteration limit": {"en": "iteration limit", "zh-CN": "达到迭代上限"},
    "status.numerical difficulties": {"en": "numerical difficulties", "zh-CN": "数值计算困难"},
    "status.not solved": {"en": "not solved", "zh-CN": "未求解"},
    "status.failed": {"en": "failed", "zh-CN": "求解失败"},
    "shadow.max_budget": {"en": "max_budget", "zh-CN": "预算上限"},
    "shadow.min_budget": {"en": "min_budget", "zh-CN": "预算下限"},
    "shadow.min_roi": {"en": "min_roi", "zh-CN": "投入产出比下限"},
    "compare.title": {"en": "# Scenarios compared", "zh-CN": "# 方案对比"},
    "compare.head": {
        "en": "| scenario | objective | budget | min ROI | spend | clicks | CTR | CPC | orders | revenue | ROI |",
        "zh-CN": "| 方案 | 目标 | 预算 | 投入产出比下限 | 花费 | 点击量 | 点击率 | 平均点击花费 | 成交笔数 | 成交金额 | 投入产出比 |",
    },
    "compare.plan_budgets": {"en": "## Plan budgets", "zh-CN": "## 各方案的计划预算"},
    "summary.title": {"en": "# Weekly plan", "zh-CN": "# 本周调价方案"},
    "summary.objective": {
        "en": "Objective: **{objective}** over {days} days; budget {budget}{floor}. Status: {status}.",
        "zh-CN": "目标：**{objective}**，周期 {days} 天；预算 {budget}{floor}。状态：{status}。",
    },
    "summary.floor": {"en": ", ROI floor {floor}", "zh-CN": "，投入产出比下限 {floor}"},
    "summary.no_floor": {"en": ", no ROI floor", "zh-CN": "，无投入产出比下限"},
    "summary.kpi_head": {
        "en": "| | impressions | clicks | spend | orders | revenue | ROI | CTR | CPC |",
        "zh-CN": "| | 展现量 | 点击量 | 花费 | 成交笔数 | 成交金额 | 投入产出比 | 点击率 | 平均点击花费 |",
    },
    "summary.reading": {"en": "## How the files were read", "zh-CN": "## 文件读取情况"},
    "summary.file": {
        "en": "**{name}**: {platform}, {kind}; period {period}; {kept} of {read} rows kept, {units} units.",
        "zh-CN": "**{name}**：{platform}，{kind}；周期 {period}；{read} 行中保留 {kept} 行，{units} 个单元。",
    },
    "summary.currency": {"en": "- money in {currency} (the platform's bid limits follow it)",
                         "zh-CN": "- 金额币种：{currency}（平台出价上下限按此币种）"},
    "summary.columns_used": {"en": "- columns used: {columns}", "zh-CN": "- 使用的列：{columns}"},
    "summary.columns_ignored": {"en": "- columns ignored: {columns}", "zh-CN": "- 忽略的列：{columns}"},
    "summary.limits": {"en": "## What the limits cost", "zh-CN": "## 限制条件的代价"},
    "summary.budget_price": {
        "en": "- One more unit of budget buys **{price}** more {objective}.",
        "zh-CN": "- 预算每多 1 元，多得 **{price}** {objective}。",
    },
    "summary.roi_price": {
        "en": "- Raising the ROI floor by 0.1 costs **{price}** {objective}.",
        "zh-CN": "- 投入产出比下限每提高 0.1，损失 **{price}** {objective}。",
    },
    "summary.binding": {"en": "- Binding limits: {binding}.", "zh-CN": "- 起作用的限制：{binding}。"},
    "summary.none": {"en": "none", "zh-CN": "无"},
    "summary.cutoff": {
        "en": "- Marginal cut-off: no bid increment returning under **{cutoff}** (extra revenue per extra unit of "
              "spend) was bought.",
        "zh-CN": "- 边际门槛：边际投入产出比（每多花 1 元多得的成交金额）低于 **{cutoff}** 的加价一律不买。",
    },
    "summary.held_floors": {
        "en": "- The ROI floors hold with {confidence} confidence: the plan's ROI at the lower bound of value per "
              "click is {roi}; the safety margin costs **{cost}** {objective} ({share}) against floors held in "
              "expectation.",
        "zh-CN": "- 投入产出比下限以 {confidence} 的置信度成立：按单次点击价值的下界，方案的投入产出比为 {roi}；"
                 "与按期望守住下限相比，这份安全余量损失 **{cost}** {objective}（{share}）。",
    },
    "summary.plans": {"en": "## Plans", "zh-CN": "## 计划"},
    "summary.plans_head": {
        "en": "| plan | current spend | new budget | daily limit | revenue | ROI |",
        "zh-CN": "| 计划 | 当前花费 | 新预算 | 日限额 | 成交金额 | 投入产出比 |",
    },
    "summary.bids": {"en": "## Bids", "zh-CN": "## 出价"},
    "summary.action_count": {"en": "{count} {action}", "zh-CN": "{action} {count} 个"},
    "summary.separator": {"en": ", ", "zh-CN": "，"},
    "summary.full_stop": {"en": ".", "zh-CN": "。"},
    "summary.largest_raises": {"en": "### Largest raises", "zh-CN": "### 提价最多"},
    "summary.largest_cuts": {"en": "### Largest cuts", "zh-CN": "### 降价最多"},
    "summary.bid_line": {
        "en": "- {keyword} ({plan}): {current} → {new} — {reason}",
        "zh-CN": "- {keyword}（{plan}）：{current} → {new} — {reason}",
    },
    "summary.check": {"en": "## Check before uploading", "zh-CN": "## 上传前请检查"},
    "summary.nothing_unusual": {"en": "- nothing unusual was found", "zh-CN": "- 未发现异常"},
    "forecast.title": {"en": "## Last run's forecast vs actual", "zh-CN": "## 上次方案的预测与实际"},
    "forecast.partial": {"en": ", pro-rated to the {days} days reported", "zh-CN": "，按报表覆盖的 {days} 天折算"},
    "forecast.run": {
        "en": "Run {run} ({date}, {scenario}) forecast {period_days} days from {first}; the reports cover {first} to "
              "{last}{partial}.",
        "zh-CN": "第 {run} 次运行（{date}，{scenario}）预测了自 {first} 起的 {period_days} 天；报表覆盖 {first} 至 "
                 "{last}{partial}。",
    },
    "forecast.bids": {
        "en": "Bids applied (judged by {source}): {applied} applied, {not_applied} not applied, {not_reported} not in "
              "the reports.",
        "zh-CN": "出价执行情况（依据 {source}）：已执行 {applied} 个，未执行 {not_applied} 个，报表中没有 {not_reported} 个。",
    },
    "forecast.head": {
        "en": "| plan | spend forecast | spend actual | clicks forecast | clicks actual | orders forecast | orders actual "
              "| revenue forecast | revenue actual | ROI forecast | ROI actual | bids applied |",
        "zh-CN": "| 计划 | 花费预测 | 实际花费 | 点击量预测 | 实际点击量 | 成交笔数预测 | 实际成交笔数 "
                 "| 成交金额预测 | 实际成交金额 | 投入产出比预测 | 实际投入产出比 | 已执行出价 |",
    },
    "forecast.total": {"en": "**total**", "zh-CN": "**合计**"},
    "forecast.as_applied": {
        "en": "With the old bid where the new one was not applied, the forecast is spend {spend}, revenue "
              "{revenue}{error}, ROI {roi}.",
        "zh-CN": "未执行新出价处按原出价计算，预测花费 {spend}，成交金额 {revenue}{error}，投入产出比 {roi}。",
    },
    "forecast.unmatched": {
        "en": "{units} keywords in the reports were not in run {run}: spend {spend}, revenue {revenue} (not in the "
              "figures above).",
        "zh-CN": "报表中有 {units} 个关键词不在第 {run} 次运行中：花费 {spend}，成交金额 {revenue}（未计入上面的数字）。",
    },
    "forecast.not_applied": {"en": "Largest recommendations not applied:", "zh-CN": "未执行的最大调整建议："},
    "forecast.not_applied_line": {
        "en": "- {keyword} ({plan}): recommended {recommended}, reported {reported}",
        "zh-CN": "- {keyword}（{plan}）：建议 {recommended}，报表中为 {reported}",
    },
}
