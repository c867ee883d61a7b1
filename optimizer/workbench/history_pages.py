"""The history pages: past runs from the run history, and each run's check of the forecast before it.

A run records, in its summary, how the previous run's forecast turned out once its reports
covered that run's week (:mod:`optimizer.history.forecast_check`): per plan and in total, the
forecast (pro-rated to the days covered) against what happened, and which bids were applied.
The list says which runs carry such a check; a run's page shows it per plan, and which later
run checked this run's own forecast.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse

from optimizer.history.database import HistoryError
from optimizer.workbench.settings import NotFound

#: Runs listed on the history page, newest first.
LISTED_RUNS = 100


def checks(store, run_ids) -> dict[int, int]:
    """Per run that carries a forecast check: the run whose forecast it checked."""
    checked = {}
    for run_id in run_ids:
        check = store.run(int(run_id)).summary.get("forecast_check")
        if check:
            checked[int(run_id)] = int(check["run"])
    return checked


async def history(request):
    from optimizer.workbench.pages import render

    workbench = request.app.state.workbench
    runs = workbench.store.runs(limit=LISTED_RUNS)
    held = {int(run_id) for run_id in runs["id"] if workbench.run(int(run_id)) is not None}
    return render(request, "history.html", runs=runs.to_dict("records"), held=held, location=workbench.store.location,
                  checked=checks(workbench.store, runs["id"]))


async def history_run(request):
    """One recorded run: its goal, before and after, plan budgets; its check of the run before; who checked it."""
    from optimizer.workbench.pages import render

    workbench, run_id = request.app.state.workbench, request.path_params["run"]
    try:
        run = workbench.store.run(run_id)
    except HistoryError as error:
        raise NotFound(str(error)) from None
    later = workbench.store.runs(limit=LISTED_RUNS)
    checked_by = [other for other, checked in checks(workbench.store, later.loc[later["id"] > run_id, "id"]).items()
                  if checked == run_id]
    check = run.summary.get("forecast_check")
    return render(request, "history_run.html", run=run, summary=run.summary, check=check,
                  plans=workbench.store.plan_budgets(run_id).to_dict("records"), checked_by=sorted(checked_by),
                  held=workbench.run(run_id) is not None)


def not_held(run_id: int) -> RedirectResponse:
    """A run planned before this workbench started (or let go): its page in the history."""
    return RedirectResponse(f"/history/{run_id}", status_code=303)
