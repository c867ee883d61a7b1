"""The workbench's pages (:mod:`optimizer.workbench`): the layout every page shares, then each page's words."""

MESSAGES = {
    "workbench.title": {"en": "bidopt workbench", "zh-CN": "bidopt 工作台"},
    "workbench.nav.plan": {"en": "Plan this week", "zh-CN": "本周调价"},
    "workbench.nav.history": {"en": "History", "zh-CN": "历史记录"},
}
