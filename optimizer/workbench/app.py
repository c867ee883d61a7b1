"""The workbench app: routes, the guard around them, and the library's typed errors as HTTP statuses.

Only here do errors become statuses: bad input or goal 400 (the command line's exit 2),
limits no bids can meet 422 (its exit 3), no token 401, no CSRF token 403, no such
run 404, past the upload cap 413, a full queue 503 with ``Retry-After``, a history
store that fails 500. Each answer is a page with the same message the command line prints.
"""

from __future__ import annotations

import contextlib

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from optimizer.errors import BidoptError, InfeasibleError
from optimizer.history.database import HistoryError
from optimizer.history.store import HistoryStore
from optimizer.scenario.scenario_file import load_scenario
from optimizer.workbench.guards import Guard
from optimizer.workbench.pages import ROUTES, render
from optimizer.workbench.runs import Workbench
from optimizer.workbench.settings import Busy, ServeSettings, WorkbenchError


def status_of(error: BidoptError) -> int:
    """The HTTP status of a library or workbench error."""
    if isinstance(error, WorkbenchError):
        return error.status
    if isinstance(error, InfeasibleError):
        return 422
    return 500 if isinstance(error, HistoryError) else 400


async def on_error(request, error: BidoptError):
    status = status_of(error)
    response = render(request, "error.html", status, code=status, lines=str(error).splitlines(),
                      infeasible=isinstance(error, InfeasibleError))
    if isinstance(error, Busy):
        response.headers["retry-after"] = str(error.retry_after)
    return response


async def on_http_error(request, error: HTTPException):
    return render(request, "error.html", error.status_code, code=error.status_code, lines=[str(error.detail)],
                  infeasible=False)


def create_app(settings: ServeSettings) -> Starlette:
    """The workbench for ``settings``: opens the history store (a HistoryError if it cannot) and reads
    ``settings.scenario``'s reports (the CLI's errors when they cannot be read)."""
    workbench = Workbench(settings, HistoryStore(settings.db))
    if settings.scenario is not None:
        try:
            workbench.open(load_scenario(settings.scenario))
        except BaseException:
            workbench.close()
            raise

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            workbench.close()

    app = Starlette(routes=ROUTES, middleware=[Middleware(Guard, settings=settings)], lifespan=lifespan,
                    exception_handlers={BidoptError: on_error, HTTPException: on_http_error})
    app.state.workbench = workbench
    return app


def server(settings: ServeSettings, app: Starlette | None = None) -> uvicorn.Server:
    """A uvicorn server for the workbench; ``run()`` serves until interrupted."""
    config = uvicorn.Config(app or create_app(settings), host=settings.host, port=settings.port,
                            log_level="warning", lifespan="on", server_header=False)
    return uvicorn.Server(config)
