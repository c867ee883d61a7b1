"""How each file was read (:mod:`optimizer.reading`): its platform, kind and period, and the notes on what was skipped.

These are said by :func:`optimizer.i18n.say` as the file is read, and shown in summary.md, report.html
and the workbench in the run's language.
"""

MESSAGES = {
    "read.platform.chinese": {"en": "直通车 / 京东快车 / 万相台 (Chinese headers)",
                              "zh-CN": "直通车 / 京东快车 / 万相台（中文表头）"},
    "read.platform.amazon": {"en": "Amazon Ads", "zh-CN": "亚马逊广告"},
    "read.platform.microsoft": {"en": "Microsoft Advertising", "zh-CN": "微软广告"},
    "read.platform.google": {"en": "Google Ads", "zh-CN": "谷歌广告"},
    "read.platform.meta": {"en": "Meta (Facebook) ads", "zh-CN": "Meta（脸书）广告"},
    "read.platform.unknown": {"en": "not recognised (read by its column names)", "zh-CN": "未识别（按列名读取）"},
    "read.kind": {"en": "{kind}, {rows}", "zh-CN": "{kind}，{rows}"},
    "read.kind.bulk": {"en": "bulk file", "zh-CN": "批量文件"},
    "read.kind.search_terms": {"en": "search term report", "zh-CN": "搜索词报表"},
    "read.kind.keyword": {"en": "keyword / targeting report", "zh-CN": "关键词 / 定向报表"},
    "read.kind.ad_group": {"en": "ad group / item report", "zh-CN": "推广单元 / 宝贝报表"},
    "read.kind.plan": {"en": "campaign report", "zh-CN": "计划报表"},
    "read.kind.account": {"en": "account totals", "zh-CN": "账户汇总"},
    "read.rows.date": {"en": "by day", "zh-CN": "按天"},
    "read.rows.week": {"en": "by week", "zh-CN": "按周"},
    "read.rows.month": {"en": "by month", "zh-CN": "按月"},
    "read.rows.summary": {"en": "summary over a period", "zh-CN": "整段周期汇总"},
    "read.period.dates": {"en": "{first} to {last} ({origin})", "zh-CN": "{first} 至 {last}（{origin}）"},
    "read.period.month": {"en": "its month rows", "zh-CN": "按月份行"},
    "read.period.week": {"en": "its week rows", "zh-CN": "按周行"},
    "read.period.date": {"en": "its date column", "zh-CN": "按日期列"},
    "read.period.given": {"en": "{days} days (given by --period-days / [data] period_days)",
                          "zh-CN": "{days} 天（由 --period-days / [data] period_days 指定）"},
    "read.period.stated": {"en": "{first} to {last}, {days} days ({source})",
                           "zh-CN": "{first} 至 {last}，共 {days} 天（{source}）"},
    "read.period.unbounded": {"en": "no bounded period ({source})", "zh-CN": "没有明确的起止日期（{source}）"},
    "read.period.title": {"en": 'title line "{line}"', "zh-CN": "标题行“{line}”"},
    "read.period.title_ambiguous": {"en": 'title line "{line}", whose dates read day first or month first',
                                    "zh-CN": "标题行“{line}”，其日期既可按日/月也可按月/日读取"},
    "read.period.start_end": {"en": "Start Date and End Date columns", "zh-CN": "开始日期和结束日期列"},
    "read.note": {"en": "{name}: {note}", "zh-CN": "{name}：{note}"},
    "read.skipped_totals": {
        "en": "{name}: skipped {count} total {noun} (the export's own sums; {noun} {shown}{more})",
        "zh-CN": "{name}：跳过 {count} {noun}合计（报表自带的汇总；{noun}号 {shown}{more}）",
    },
    "read.more": {"en": ", …", "zh-CN": "……"},
    "read.click_type": {
        "en": "{name}: rows are split by Click type; Google counts an impression once for each click type the ad "
              "showed (headline, sitelink, …), so each campaign, ad group or keyword takes the impressions of its "
              "click type with the most (the headline's) and the sum of its clicks, cost and conversions "
              "({rows} rows read as {units})",
        "zh-CN": "{name}：各行按点击类型（Click type）拆分；谷歌对广告展示的每种点击类型（标题、附加链接……）各计一次展现，"
                 "因此每个计划、推广单元或关键词取展现最多的点击类型（标题）的展现量，点击、花费和转化求和"
                 "（{rows} 行合为 {units} 行）",
    },
    "read.hidden_rows": {
        "en": "{name}: the sheet hides {count} {noun} ({rows}); a filter or a hidden row in Excel leaves the row in "
              "the file, and the plan counts it. Delete such rows from the sheet to leave them out",
        "zh-CN": "{name}：表格隐藏了 {count} {noun}（{rows}）；Excel 的筛选或隐藏不会把行从文件中删除，计划会计入这些行。"
                 "如要排除，请在表格中删除这些行",
    },
    "read.row": {"en": "row", "zh-CN": "行"},
    "read.rows": {"en": "rows", "zh-CN": "行"},
    "read.pmax": {"en": "{name}: Performance Max campaigns take no keyword bids: they are planned by budget only",
                  "zh-CN": "{name}：效果最大化（Performance Max）计划不设关键词出价，只按预算调整"},
    "read.left_out": {"en": "{name}: left out {count} {noun} of {why}", "zh-CN": "{name}：剔除 {count} {noun}{why}"},
    "read.left_out.bulk": {"en": "campaign and ad group rows of a bulk file (they are not keywords)",
                           "zh-CN": "批量文件中的计划行和推广单元行（它们不是关键词）"},
    "read.left_out.negative": {"en": "negative keywords (they take no bid)", "zh-CN": "否定关键词（不设出价）"},
    "read.left_out.gone": {"en": "archived or removed rows (they can no longer be bid on)",
                           "zh-CN": "已归档或已删除的行（无法再出价）"},
    "read.left_out.pmax": {"en": "Performance Max rows (their search terms take no bids; plan their budgets from a "
                                 "campaign report)",
                           "zh-CN": "效果最大化（Performance Max）行（其搜索词不设出价；请用计划报表调整其预算）"},
    "read.default_bids": {"en": "{name}: {count} {noun} without a bid take their ad group's default bid",
                          "zh-CN": "{name}：{count} {noun}没有出价，取所在推广单元的默认出价"},
    "read.search_terms": {
        "en": "{name}: a search-term report: its rows are summed per keyword (campaign, ad group, keyword and "
              "the keyword's match type); \"{matched}\" is the search term's match type and is not used{rest}",
        "zh-CN": "{name}：这是搜索词报表：按关键词（计划、推广单元、关键词及其匹配方式）汇总；"
                 "“{matched}”是搜索词的匹配方式，不使用{rest}",
    },
    "read.search_terms.column": {"en": "; the keyword's is \"{column}\"", "zh-CN": "；关键词的匹配方式取自“{column}”"},
    "read.search_terms.notation": {
        "en": "; the keyword's is read from its notation ([exact], \"phrase\", else broad)",
        "zh-CN": "；关键词的匹配方式按其写法识别（[精确]、\"短语\"，否则为广泛）",
    },
}
