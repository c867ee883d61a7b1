"""What the command line says on the terminal (:mod:`optimizer.cli`) besides its errors, which stay in English."""

MESSAGES = {
    "cli.plan": {
        "en": "plan: spend {spend} -> {new_spend}, revenue {revenue} -> {new_revenue}, ROI {roi} -> {new_roi}",
        "zh-CN": "方案：花费 {spend} -> {new_spend}，成交金额 {revenue} -> {new_revenue}，投入产出比 {roi} -> {new_roi}",
    },
    "cli.wrote": {"en": "wrote {path}", "zh-CN": "已写入 {path}"},
    "cli.recorded": {"en": "recorded run {run} in {store}", "zh-CN": "已记录第 {run} 次运行：{store}"},
    "cli.frontier": {
        "en": "{points} points; today: spend {spend}, {objective} {value}; plan: spend {new_spend}, {objective} "
              "{new_value}",
        "zh-CN": "{points} 个点；当前：花费 {spend}，{objective} {value}；方案：花费 {new_spend}，{objective} {new_value}",
    },
    "cli.batch_ok": {
        "en": "{account}: ok, spend {spend}, revenue {revenue}, ROI {roi} -> {out}",
        "zh-CN": "{account}：完成，花费 {spend}，成交金额 {revenue}，投入产出比 {roi} -> {out}",
    },
}
