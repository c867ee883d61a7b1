"""What to check before uploading, and the notes on how the plan was set (:mod:`optimizer.decisions`,
:mod:`optimizer.reading.plausible`, :mod:`optimizer.model.estimate`): said by :func:`optimizer.i18n.say`
as they are found, shown in summary.md, report.html and the workbench in the run's language.
"""

MESSAGES = {
    "check.more": {"en": " and {count} more", "zh-CN": " 等，另有 {count} 个"},
    "check.plans": {"en": "plans", "zh-CN": "个计划"},
    "check.keywords": {"en": "keywords", "zh-CN": "个关键词"},
    "check.moved": {
        "en": "{count} {what} forecast more than {factor}x (or under 1/{factor} of) their history's spend or revenue "
              "over {days} days: {names}{more} (largest: x{largest}); check today's bids and the data before uploading",
        "zh-CN": "{count} {what}的 {days} 天预测花费或成交金额超过历史的 {factor} 倍（或不到 1/{factor}）：{names}{more}"
                 "（最大：{largest} 倍）；上传前请核对当前出价和数据",
    },
    "check.bids_outside": {
        "en": "{count} keywords bid more than {factor}x beyond the bids their history saw, where the forecast "
              "extrapolates: {names}{more}",
        "zh-CN": "{count} 个关键词的出价超出历史出价范围 {factor} 倍以上，预测为外推值：{names}{more}",
    },
    "check.without_data": {
        "en": "{count} keywords with no clicks in the history are forecast to spend {spend}: every figure of theirs "
              "is a prior: {names}{more}",
        "zh-CN": "{count} 个历史上没有点击的关键词预计花费 {spend}：它们的数据全部来自先验估计：{names}{more}",
    },
    "default.off": {"en": "no ROI floor and no break-even cut: min_roi = 0 turns the defaults off",
                    "zh-CN": "无投入产出比下限，也不做保本线裁剪：min_roi = 0 关闭了默认设置"},
    "default.no_revenue": {"en": "no default ROI floor: the reports have no revenue, or no orders to forecast it from",
                           "zh-CN": "无默认投入产出比下限：报表没有成交金额或成交笔数"},
    "default.no_cut": {"en": "no break-even cut: min_roi {floor} is under break-even {break_even}",
                       "zh-CN": "不做保本线裁剪：投入产出比下限 {floor} 低于保本投入产出比 {break_even}"},
    "default.cut": {
        "en": "default: no bid increment returning under {break_even} (break-even, {source}) is bought; "
              "min_roi = 0 (--min-roi 0) turns it off",
        "zh-CN": "默认：边际投入产出比低于 {break_even}（保本线，{source}）的加价一律不买；"
                 "min_roi = 0（--min-roi 0）可关闭",
    },
    "default.margin": {"en": "1 / margin {margin}", "zh-CN": "1 / 毛利率 {margin}"},
    "default.no_margin": {"en": "no margin given", "zh-CN": "未给出毛利率"},
    "default.floor": {"en": "default ROI floor {floor}: today's forecast ROI (no min_roi given)",
                      "zh-CN": "默认投入产出比下限 {floor}：当前出价的预测投入产出比（未设 min_roi）"},
    "default.item": {"en": "item {name}: min_orders or min_share set, so its keywords may buy under break-even",
                     "zh-CN": "宝贝 {name}：设了 min_orders 或 min_share，其关键词可能低于保本线购买点击"},
    "default.plan_budget": {
        "en": "plan {name}: min_budget is beyond what its keywords spend at break-even, so its keywords may buy under it",
        "zh-CN": "计划 {name}：min_budget 超过其关键词在保本线上的花费，其关键词可能低于保本线购买点击",
    },
    "default.held": {
        "en": "ROI floor {floor} planned at {held} (+{margin}): the history's orders know the account's ROI to "
              "±{error} ({z} standard error); min_roi_confidence states a probability instead",
        "zh-CN": "投入产出比下限 {floor} 按 {held} 规划（+{margin}）：按历史成交，账户投入产出比的误差为 ±{error}"
                 "（{z} 个标准误）；也可用 min_roi_confidence 指定置信概率",
    },
    "default.plans_held": {
        "en": "plan ROI floors planned above themselves likewise, by each plan's own standard error (up to +{margin})",
        "zh-CN": "各计划的投入产出比下限同样按各自的标准误上调规划（最多 +{margin}）",
    },
    "feedback.aimed": {
        "en": "the forecasts of the last runs ({runs}) came in at ROI {actual_roi} against {forecast_roi}, spend "
              "{actual_spend} against {forecast_spend} ({orders} orders): this plan aims at {aims}",
        "zh-CN": "最近 {runs} 次运行的预测兑现为投入产出比 {actual_roi}（预测 {forecast_roi}）、花费 {actual_spend}"
                 "（预测 {forecast_spend}，{orders} 笔成交）：本方案按 {aims} 规划",
    },
    "feedback.held": {
        "en": "the forecasts of the last runs ({runs}) came in at ROI {actual_roi} against {forecast_roi}, spend "
              "{actual_spend} against {forecast_spend} ({orders} orders): within their noise, so the limits are "
              "aimed at as given",
        "zh-CN": "最近 {runs} 次运行的预测兑现为投入产出比 {actual_roi}（预测 {forecast_roi}）、花费 {actual_spend}"
                 "（预测 {forecast_spend}，{orders} 笔成交）：在误差范围内，限制按设定值规划",
    },
    "feedback.out_of_reach": {
        "en": "the forecasts of the last runs ({runs}) came in at ROI {actual_roi} against {forecast_roi}, spend "
              "{actual_spend} against {forecast_spend} ({orders} orders), but limits aimed higher than given are out "
              "of reach: this plan aims at the limits as given",
        "zh-CN": "最近 {runs} 次运行的预测兑现为投入产出比 {actual_roi}（预测 {forecast_roi}）、花费 {actual_spend}"
                 "（预测 {forecast_spend}，{orders} 笔成交），但高于设定值的限制无法达到：本方案按设定值规划",
    },
    "feedback.floor": {"en": "ROI floor {floor} at {aimed} (+{factor})",
                       "zh-CN": "投入产出比下限 {floor} 按 {aimed}（+{factor}）"},
    "feedback.plan_floors": {"en": "plan ROI floors +{factor}", "zh-CN": "各计划投入产出比下限 +{factor}"},
    "feedback.budget": {"en": "budget {budget} at {aimed}", "zh-CN": "预算 {budget} 按 {aimed}"},
    "warning.no_impressions": {
        "en": "{count} keywords had no impressions in the last {days} days (无展现词): kept at today's bid; review them",
        "zh-CN": "{count} 个关键词近 {days} 天无展现（无展现词）：出价不变；请逐个检查",
    },
    "warning.floor_leaves_little": {
        "en": "the ROI floor {floor} leaves {spend} to spend, {share} of today's {today}: check the floor",
        "zh-CN": "投入产出比下限 {floor} 只留下 {spend} 的花费，为当前 {today} 的 {share}：请检查下限",
    },
    "warning.plan_paused_by_floor": {
        "en": "plan {name}: min_roi {floor} is {why}; it spent {today} today and gets nothing: lower its min_roi or "
              "pause it yourself",
        "zh-CN": "计划 {name}：投入产出比下限 {floor} {why}；它当前花费 {today}，方案中不分配预算：请调低其下限，"
                 "或自行暂停",
    },
    "warning.plan_floor_unreachable": {
        "en": "above the highest ROI its bids reach ({best}), so it is met only by pausing the plan",
        "zh-CN": "高于其出价所能达到的最高投入产出比（{best}），只有暂停计划才能满足",
    },
    "warning.plan_floor_cheaper": {"en": "met at less cost to the account by pausing the plan",
                                   "zh-CN": "暂停计划对账户的损失最小"},
    "warning.per_click": {
        "en": "{name}: column {column}: {count} {noun} with a {what} over {factor} times the file's median of "
              "{median} ({shown}{more}); kept: check the export (a unit or a column mixed up)",
        "zh-CN": "{name}：{column} 列：{count} {noun}的{what}超过文件中位数 {median} 的 {factor} 倍（{shown}{more}）；"
                 "已保留：请检查报表（单位或列是否弄错）",
    },
    "warning.per_click.spend": {"en": "cost per click", "zh-CN": "平均点击花费"},
    "warning.per_click.revenue": {"en": "revenue per click", "zh-CN": "单次点击成交金额"},
    "warning.row_value": {"en": "row {row}: {value}", "zh-CN": "第 {row} 行：{value}"},
    "warning.read_once": {
        "en": "{files} hold the same days of the same keywords ({count} rows, {first} to {last}, with the same "
              "impressions, clicks and spend): read once, with the larger orders and revenue (the later export's)",
        "zh-CN": "{files} 含有相同关键词同一天的相同数据（{count} 行，{first} 至 {last}，展现、点击、花费相同）："
                 "只读一次，成交取较大者（较晚导出的）",
    },
    "warning.summed_across": {
        "en": "{files} hold {count} days of the same keywords with different traffic: summed as parts of one day "
              "(devices, placements); if one file re-exports the other's period, give only one",
        "zh-CN": "{files} 含有 {count} 个相同关键词同一天但流量不同的数据：按同一天的几部分相加（终端、位置）；"
                 "若一个文件是另一个的重新导出，只给一个",
    },
    "warning.idle_rows": {
        "en": "{name}: skipped {count} {noun} without a date and without traffic ({rows})",
        "zh-CN": "{name}：跳过 {count} {noun}既无日期也无流量的数据（{rows}）",
    },
    "warning.rows": {"en": "{noun} {shown}{more}", "zh-CN": "{noun}号 {shown}{more}"},
    "warning.repeated_rows": {
        "en": "skipped {count} {noun} repeating an earlier row cell for cell (the same line exported twice; "
              "{noun} {shown}{more})",
        "zh-CN": "跳过 {count} {noun}与前面某行完全相同的数据（同一行导出了两次；{noun}号 {shown}{more}）",
    },
    "warning.no_bid_column": {
        "en": "the report has no bid column: today's bids are inferred as CPC / {ratio} (column bid_source in bids.csv)",
        "zh-CN": "报表没有出价列：当前出价按 平均点击花费 / {ratio} 推算（见 bids.csv 的 bid_source 列）",
    },
    "warning.no_bid.one": {
        "en": "{count} keyword has no bid in the report (nor an ad group default bid): its bid is inferred as "
              "CPC / {ratio}",
        "zh-CN": "{count} 个关键词在报表中没有出价（也没有推广单元默认出价）：其出价按 平均点击花费 / {ratio} 推算",
    },
    "warning.no_bid.many": {
        "en": "{count} keywords have no bid in the report (nor an ad group default bid): their bids are inferred as "
              "CPC / {ratio}",
        "zh-CN": "{count} 个关键词在报表中没有出价（也没有推广单元默认出价）：其出价按 平均点击花费 / {ratio} 推算",
    },
    "read.count.row_has": {"en": "{count} row has", "zh-CN": "{count} 行"},
    "read.count.rows_have": {"en": "{count} rows have", "zh-CN": "{count} 行"},
    "read.count.unit_has": {"en": "{count} unit has", "zh-CN": "{count} 个单元"},
    "read.count.units_have": {"en": "{count} units have", "zh-CN": "{count} 个单元"},
    "warning.clicks_above": {
        "en": "{name}: column {column}: {counted} clicks above impressions ({noun} {shown}{more}). Kept: {count} of "
              "the {with_clicks} rows with clicks, attribution artefacts of the export, counted as they are "
              "(CTR at most 1).",
        "zh-CN": "{name}：{column} 列：{counted}点击量高于展现量（{noun}号 {shown}{more}）。已保留：{with_clicks} "
                 "行有点击的数据中有 {count} 行如此，属于报表的归因误差，按原样计入（点击率最多为 1）。",
    },
    "warning.orders_above": {
        "en": "{name}: column {column}: {counted} more orders than clicks in total over the report; totals shown at "
              "each unit's first row ({noun} {shown}{more}). Kept: {why}.",
        "zh-CN": "{name}：{column} 列：{counted}在整个报表中的成交笔数多于点击量；合计显示在每个单元的第一行"
                 "（{noun}号 {shown}{more}）。已保留：{why}。",
    },
    "warning.orders_above.window": {
        "en": "the orders column counts an attribution window, where one click can bring several orders",
        "zh-CN": "成交笔数列按归因窗口统计，一次点击可带来多笔成交",
    },
    "warning.orders_above.few": {
        "en": "{count} of the {with_orders} units with orders, attribution artefacts of the export, counted as they are",
        "zh-CN": "{with_orders} 个有成交的单元中有 {count} 个如此，属于报表的归因误差，按原样计入",
    },
    "default.out_of_reach": {
        "en": "the default ROI floor {floor} is out of reach under the scenario's limits: no floor applied",
        "zh-CN": "在方案的限制下达不到默认投入产出比下限 {floor}：不设下限",
    },
    "default.lowered": {
        "en": "the default ROI floor {floor} is out of reach under the scenario's limits: lowered to {best}, the best "
              "they allow",
        "zh-CN": "在方案的限制下达不到默认投入产出比下限 {floor}：降到限制所允许的最高值 {best}",
    },
    "frontier.planned_at": {"en": "{floor} (planned at {held})", "zh-CN": "{floor}（按 {held} 规划）"},
    "frontier.floor_binds": {
        "en": "the ROI floor {floor} binds from a budget of {budget}: more budget buys nothing at that floor, so the "
              "curve ends there",
        "zh-CN": "投入产出比下限为 {floor}，预算达到 {budget} 起它开始起作用：在这个下限下再加预算也买不到更多，曲线到此为止",
    },
    "frontier.bid_limits_stop": {
        "en": "beyond a budget of {budget} the bid limits, not the budget, stop the plan: the curve ends there",
        "zh-CN": "预算超过 {budget} 后，限制方案的是出价上下限而不是预算：曲线到此为止",
    },
    "rows.unreadable": {"en": "unreadable {column}", "zh-CN": "{column} 无法读取"},
    "rows.no_date": {"en": "no date", "zh-CN": "没有日期"},
    "rows.negative": {"en": "negative {column}", "zh-CN": "{column} 为负数"},
    "rows.control_character": {"en": "a control character in the {column} (a damaged export)",
                               "zh-CN": "{column} 含控制字符（导出文件已损坏）"},
    "rows.beyond_any_account": {"en": "{column} above 10^12, beyond any account",
                                "zh-CN": "{column} 超过 10^12，超出任何账户的规模"},
    "warning.skipped_rows": {"en": "{name}: skipped {count} {noun} with {phrase} ({rows})",
                             "zh-CN": "{name}：跳过 {count} {noun}数据（{phrase}；{rows}）"},
    "warning.column_lacking": {
        "en": "{files}: no {column} column while other reports have one; {column} is left unknown there",
        "zh-CN": "{files}：没有 {column} 列，而其他报表有；这些文件的 {column} 记为未知",
    },
    "bulk.paused": {
        "en": "{name}: {count} keywords or targets are paused or archived in the bulk file: left paused and out of "
              "the plan",
        "zh-CN": "{name}：批量文件中有 {count} 个关键词或定向已暂停或归档：保持暂停，不参与方案",
    },
    "bulk.unmatched": {
        "en": "{name}: {count} keywords of the report are not in the bulk file ({names}): today's bid inferred from "
              "CPC / {ratio}; not written to amazon-bulk.xlsx",
        "zh-CN": "{name}：报表中有 {count} 个关键词不在批量文件里（{names}）：当前出价按 平均点击花费 / {ratio} 推算；"
                 "不写入 amazon-bulk.xlsx",
    },
    "bulk.unseen": {
        "en": "{name}: {count} enabled keywords or targets had no impressions in the report (无展现词): {names}; kept "
              "at today's bid: pause or rework them",
        "zh-CN": "{name}：有 {count} 个启用的关键词或定向在报表中没有展现（无展现词）：{names}；出价不变：请暂停或调整",
    },
    "placements.left_out": {
        "en": "{name}: {count} rows of placements with no adjustment ({names}) left out of placements.csv",
        "zh-CN": "{name}：{count} 行不能设置溢价的展示位置（{names}）未写入 placements.csv",
    },
    "placements.not_in_bulk": {
        "en": "{name}: {count} campaigns of the placement report have no Bidding Adjustment rows in the bulk file "
              "({names}{more}): their adjustments are in placements.csv only; set them in Campaign Manager",
        "zh-CN": "{name}：展示位置报表中有 {count} 个计划在批量文件里没有 Bidding Adjustment 行（{names}{more}）："
                 "它们的溢价只在 placements.csv 中；请在 Campaign Manager 中设置",
    },
    "upload.bulk_updated": {
        "en": "amazon-bulk.xlsx: {count} rows set to Operation = update (bids, paused keywords, campaign daily "
              "budgets{adjusted}); every other cell as downloaded",
        "zh-CN": "amazon-bulk.xlsx：{count} 行设为 Operation = update（出价、暂停的关键词、计划日预算{adjusted}）；"
                 "其余单元格与下载时相同",
    },
    "upload.placements_adjusted": {"en": ", {count} placement adjustments", "zh-CN": "、{count} 个展示位置溢价"},
    "upload.bulk_unmatched": {
        "en": "amazon-bulk.xlsx: {count} changed keywords have no row in the bulk file and are not in the upload: "
              "{names}{more}",
        "zh-CN": "amazon-bulk.xlsx：{count} 个改动的关键词在批量文件中没有对应行，不在上传文件里：{names}{more}",
    },
    "upload.no_currency": {
        "en": "amazon: the reports name no currency: US bid limits used; pass --marketplace",
        "zh-CN": "amazon：报表没有写明币种：按美国站的出价上下限处理；请用 --marketplace 指定站点",
    },
    "upload.no_budget": {
        "en": "{count} plans get no budget ({names}{more}): their keywords are paused and their daily budget is left "
              "as it is in the upload files",
        "zh-CN": "{count} 个计划没有分到预算（{names}{more}）：其关键词已暂停，上传文件中的日预算保持不变",
    },
    "upload.raised": {"en": "raised to the minimum {bid} of {source} (plan {planned})",
                      "zh-CN": "提高到 {source} 的最低出价 {bid}（方案出价 {planned}）"},
    "upload.cut": {"en": "cut to the maximum {bid} of {source} (plan {planned})",
                   "zh-CN": "降到 {source} 的最高出价 {bid}（方案出价 {planned}）"},
    "upload.clipped_bid": {"en": "{keyword} ({plan}): {note}", "zh-CN": "{keyword}（{plan}）：{note}"},
    "upload.then": {"en": "{first}; {rest}", "zh-CN": "{first}；{rest}"},
    "upload.clipped": {
        "en": "{platform}: {count} bids clipped to the platform's range [{low}, {high}] ({source}): {shown}{more}",
        "zh-CN": "{platform}：{count} 个出价被限制在平台的出价范围 [{low}, {high}] 内（{source}）：{shown}{more}",
    },
    "upload.ztc_cut": {"en": "cut to the plan's 日限额 {limit} (直通车 takes no bid above it; plan {planned})",
                       "zh-CN": "降到计划日限额 {limit}（直通车不接受高于日限额的出价；方案出价 {planned}）"},
    "upload.ztc_cuts": {"en": "ztc: {count} bids cut to their plan's 日限额 (直通车 takes no bid above it): {names}{more}",
                        "zh-CN": "直通车：{count} 个出价降到所在计划的日限额（直通车不接受高于日限额的出价）：{names}{more}"},
}
