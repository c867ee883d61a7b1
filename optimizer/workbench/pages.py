"""The routes: upload exports, set the goal, see the plan, download its files, the history.

Pages are rendered on the server from ``templates/`` with autoescaping on, so every
name from a file stays text. Forms are read here and their CSRF token checked
before anything else happens; errors go up to :mod:`optimizer.workbench.app`.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from optimizer.decisions.summary import ACTIONS
from optimizer.i18n import from_accept_language, translator
from optimizer.outputs import fonts
from optimizer.outputs.html_report import kpi_table
from optimizer.scenario.scenario_file import ADJUSTABLE, OBJECTIVES
from optimizer.workbench.exports import UPLOAD_FILES
from optimizer.workbench.guards import CSRF_FIELD, check_csrf, csp_with_style, csrf_token, keep_csrf
from optimizer.workbench.history_pages import history, history_run, not_held
from optimizer.workbench.jobs import PROGRESS_AFTER_SECONDS
from optimizer.workbench.settings import MAX_FILES, NotFound
from optimizer.workbench.uploads import as_shown, default_bids

HERE = Path(__file__).parent
#: Keyword rows shown at once; filters narrow the rest down.
SHOWN_KEYWORDS = 500
KEYWORD_COLUMNS = ["plan", "ad_group", "keyword", "match_type", "current_bid", "new_bid", "change_pct", "action",
                   "spend", "revenue", "reason"]
#: Files of a run, with the media type each is sent as; report.html opens in the browser under its own CSP.
DOWNLOADS = {"bids.csv": "text/csv; charset=utf-8", "plans.csv": "text/csv; charset=utf-8",
             "summary.md": "text/markdown; charset=utf-8", "summary.json": "application/json",
             "report.html": "text/html; charset=utf-8", **UPLOAD_FILES}
#: report.html carries its own style, font and images as data: URIs; nothing else may load, no script may run.
REPORT_CSP = "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; sandbox"


def _number(value, form: str) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else form.format(value)


templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                        lstrip_blocks=True)
templates.filters.update(
    money=lambda value: _number(value, "{:,.2f}"), ratio=lambda value: _number(value, "{:.2f}"),
    count=lambda value: _number(value, "{:,.0f}"), pct=lambda value: _number(value, "{:+.1f}%"),
    share=lambda value: _number(value, "{:.2%}"), pct100=lambda value: _number(value, "{:+.1%}"))


def with_markup(t):
    """``tm(id, **values)``: the message, escaped, with values that are :class:`Markup` (a link, a command) kept."""
    return lambda message, **values: Markup(escape(t.text(message))).format(**values)


def language(request) -> str:
    """The page's language: the browser's first that bidopt speaks (Accept-Language)."""
    return from_accept_language(request.headers.get("accept-language"))


def render(request, name: str, status: int = 200, **context) -> HTMLResponse:
    """A page from its template, with the CSRF token its forms carry, the upload cap it states, and its language.

    The language is the browser's first that bidopt speaks (Accept-Language); ``t(id)`` gives a message in it.
    """
    settings = request.app.state.workbench.settings
    lang = language(request)
    t = translator(lang)
    page = templates.get_template(name).render(csrf=csrf_token(request), csrf_field=CSRF_FIELD,
                                               cap_mb=settings.max_upload_mb, lang=lang, t=t, tm=with_markup(t),
                                               **context)
    headers = None
    if face := fonts.font_face(page):   # the glyphs of the page's Chinese text, for machines without a CJK font
        page = page.replace("</head>", f"<style>{face}</style></head>", 1)
        headers = {"content-security-policy": csp_with_style(face)}
    response = HTMLResponse(page, status, headers=headers)
    keep_csrf(request, response)
    return response


async def start(request):
    workbench = request.app.state.workbench
    return render(request, "start.html", runs=workbench.store.runs(limit=5), max_files=MAX_FILES,
                  opened=list(workbench.opened.values()))


async def upload(request):
    form = await request.form(max_files=MAX_FILES, max_fields=50)
    check_csrf(request, form)
    bulk = form.get("bulk")
    job = request.app.state.workbench.start_upload([value for value in form.getlist("reports")
                                                    if not isinstance(value, str) and value.filename],
                                                   bulk if not isinstance(bulk, str) and bulk and bulk.filename else None)
    return await follow(job)


async def follow(job) -> RedirectResponse:
    """To the job's result when it is done within a second (its error, when it failed), else to its progress."""
    if await job.wait(PROGRESS_AFTER_SECONDS):
        return RedirectResponse(job.result_address(), status_code=303)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


async def job_page(request):
    """A job's progress, reloading itself each second until it is done; then on to its result (or its error)."""
    job = request.app.state.workbench.job(request.path_params["job"])
    if job.future.done():
        return RedirectResponse(job.result_address(), status_code=303)
    return render(request, "progress.html", job=job, phases=job.progress.phases())


async def draft_page(request):
    draft = request.app.state.workbench.draft(request.path_params["draft"])
    t = translator(language(request))
    warnings = [as_shown(t.say(text), draft.names) for text in draft.prepared.performance.warnings
                + draft.prepared.estimates.warnings]
    return render(request, "draft.html", draft=draft, today=draft.today, warnings=warnings, objectives=OBJECTIVES,
                  bids=default_bids(), goal=draft.scenario.goal, chosen_bids=draft.scenario.bids)


async def plan(request):
    form = await request.form(max_files=0, max_fields=50)
    check_csrf(request, form)
    return await follow(request.app.state.workbench.start_plan(request.path_params["draft"], form, language(request)))


def keyword_rows(bids: pd.DataFrame, plan_name: str, action: str) -> tuple[list[dict], int]:
    """The keyword table filtered by plan and action: its first rows as records, and how many match."""
    chosen = bids
    if plan_name:
        chosen = chosen[chosen["plan"] == plan_name]
    if action:
        chosen = chosen[chosen["action"] == action]
    columns = [column for column in KEYWORD_COLUMNS if column in chosen]
    return chosen[columns].head(SHOWN_KEYWORDS).to_dict("records"), len(chosen)


async def run_page(request):
    workbench = request.app.state.workbench
    run_id = request.path_params["run"]
    run = workbench.run(run_id)
    if run is None:
        return not_held(run_id)
    result, summary = run.result, run.result.summary
    plan_name, action = request.query_params.get("plan", ""), request.query_params.get("action", "")
    rows, matching = keyword_rows(result.bids, plan_name, action)
    return render(request, "plan.html", run=run, summary=summary, kpis=kpi_table(summary, translator(language(request))).to_dict("records"),
                  plans=result.plans.to_dict("records"), rows=rows, matching=matching, shown=SHOWN_KEYWORDS,
                  plan_names=sorted(result.plans["plan"].astype(str)), actions=ACTIONS, chosen_plan=plan_name,
                  chosen_action=action, warnings=[as_shown(translator(language(request)).say(text), run.names) for text in summary.warnings],
                  files=[name for name in DOWNLOADS if name in run.files], uploads=UPLOAD_FILES,
                  bids=result.scenario.bids,
                  frontier=run.frontier.points.to_dict("records"), note=translator(language(request)).say(run.frontier.note),
                  goal=result.scenario.goal, sliders=run.sliders,
                  sliders_note=translator(language(request)).say(run.sliders_note), **whatif_form(run, 1),
                  roi_top=roi_top(summary), actions_now=summary.actions)


def roi_top(summary) -> float:
    """The ROI-floor slider's top: half as high again as the plan's ROI or floor, on a round tenth."""
    return math.ceil(max(summary.after.roi, summary.min_roi or 0.0, 1.0) * 15) / 10


async def sliders(request):
    """The plan's sorted increments for ``sliders.js`` (:meth:`optimizer.workbench.sliders.SliderPath.to_bytes`)."""
    run = request.app.state.workbench.run(request.path_params["run"])
    if run is None or run.sliders is None:
        raise NotFound(f"run {request.path_params['run']} has no sliders held here")
    return Response(run.sliders.to_bytes(), media_type="application/octet-stream")


async def whatif(request):
    form = await request.form(max_files=0, max_fields=50)
    check_csrf(request, form)
    return await follow(request.app.state.workbench.start_whatif(request.path_params["run"], form, language(request)))


def changes(base, scenario, t) -> str:
    """What a what-if changes beyond its run's scenario (the budget and floor have columns of their own), in t's words."""
    said = []
    for adjustment in scenario.adjust[len(base.adjust):]:
        factors = [f"{name} × {getattr(adjustment, name):.2f}" for name in ADJUSTABLE if getattr(adjustment, name) != 1]
        said.append(", ".join(factors) + (t("workbench.whatif.for_items", items=", ".join(adjustment.items))
                                          if adjustment.items else ""))
    for name, limits in scenario.items.items():
        if base.items.get(name) != limits and limits.stock is not None:
            said.append(t("workbench.whatif.at_most", item=name, stock=f"{limits.stock:g}")
                        + (t("workbench.whatif.sold_out") if limits.stock == 0 else ""))
    return "; ".join(said) or "-"


async def whatif_page(request):
    workbench, run_id = request.app.state.workbench, request.path_params["run"]
    run, whatifs = workbench.held(run_id), workbench.whatifs(run_id)
    if whatifs is None:
        raise NotFound(f"run {run_id} has no what-ifs yet: add one on the run's page")
    comparison, base, t = whatifs.comparison, whatifs.scenarios[0], translator(language(request))
    rows = [{**row, "changes": changes(base, scenario, t) if number else t("workbench.whatif.the_run"), "number": number}
            for number, (row, scenario) in enumerate(zip(comparison.table.to_dict("records"), whatifs.scenarios))]
    return render(request, "whatif.html", run=run, table=rows, budgets=comparison.plan_budgets,
                  names=list(comparison.table["scenario"]), summary=run.result.summary,
                  **whatif_form(run, len(rows)))


def whatif_form(run, number: int) -> dict:
    """What the what-if form needs: the multipliers, the items of the reports, the next name."""
    bids = run.result.bids
    items = sorted(set(bids["ad_group"].astype(str))) if "ad_group" in bids else []
    return {"adjustable": ADJUSTABLE, "items": items, "next_name": f"what-if {number}"}


async def scenario_file(request):
    run_id, number = request.path_params["run"], request.path_params["number"]
    text = request.app.state.workbench.saved_scenario(run_id, number)
    disposition = f'attachment; filename="run-{run_id}-scenario-{number}.toml"'
    return Response(text.encode("utf-8"), media_type="application/toml; charset=utf-8",
                    headers={"content-disposition": disposition})


async def download(request):
    run, name = request.app.state.workbench.run(request.path_params["run"]), request.path_params["name"]
    if run is None or name not in DOWNLOADS or name not in run.files:
        raise NotFound(f"run {request.path_params['run']} has no file {name} held here")
    if name == "report.html":
        return Response(run.files[name], media_type=DOWNLOADS[name], headers={"content-security-policy": REPORT_CSP})
    disposition = f'attachment; filename="run-{run.id}-{name}"'
    return Response(run.files[name], media_type=DOWNLOADS[name], headers={"content-disposition": disposition})


ROUTES = [
    Route("/", start), Route("/upload", upload, methods=["POST"]),
    Route("/drafts/{draft}", draft_page), Route("/drafts/{draft}/plan", plan, methods=["POST"]),
    Route("/runs/{run:int}", run_page), Route("/runs/{run:int}/whatif", whatif, methods=["POST"]),
    Route("/runs/{run:int}/whatif", whatif_page), Route("/runs/{run:int}/scenarios/{number:int}.toml", scenario_file),
    Route("/runs/{run:int}/files/{name}", download), Route("/runs/{run:int}/sliders.bin", sliders),
    Route("/history", history), Route("/history/{run:int}", history_run), Route("/jobs/{job}", job_page),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]
