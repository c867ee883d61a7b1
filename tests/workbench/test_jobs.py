"""Jobs: the library's phases kept for the progress page; a job waited for a little, then watched."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import Future

import pytest

from optimizer.decisions.plan import make_plan
from optimizer.errors import BidoptError
from optimizer.scenario.scenario_file import scenario_from_reports
from optimizer.workbench.jobs import Job, Watched
from tests.paths import SAMPLE
from tests.workbench.conftest import csrf_of, make_client, one_worker_busy, plan, settle, text_of, upload


def test_watched_keeps_the_phases_the_library_reports_with_steps():
    watched = Watched()
    assert watched.phases() == []   # nothing started yet: waiting for a worker
    make_plan(scenario_from_reports([SAMPLE]), progress=watched)
    phases = watched.phases()
    assert [phase["name"] for phase in phases] == ["read and validate", "estimate", "build", "solve", "explain"]
    assert all(phase["seconds"] >= 0 for phase in phases) and [phase["current"] for phase in phases][-1]
    watched.phase("accounts", total=3)
    watched.advance(2)
    assert watched.phases()[-1] | {"seconds": 0} == {"name": "accounts", "seconds": 0, "total": 3, "done": 2,
                                                      "current": True}
    assert watched.phases()[0]["done"] is None and not watched.phases()[0]["current"]


def test_a_job_is_waited_for_and_gives_its_result_or_raises_its_error():
    done, failed, running = Future(), Future(), Future()
    done.set_result(7)
    failed.set_exception(BidoptError("bad file"))
    jobs = [Job("x", future, Watched(), lambda result: f"/things/{result}") for future in (done, failed, running)]
    assert [asyncio.run(job.wait(0.05)) for job in jobs] == [True, True, False]
    assert jobs[0].result_address() == "/things/7"
    with pytest.raises(BidoptError, match="^bad file$"):
        jobs[1].result_address()


def test_a_plan_still_running_after_a_second_shows_its_progress_then_the_plan(history_store):
    with make_client(history_store, workers=1) as client:
        draft = upload(client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
        csrf = csrf_of(draft.text)
        action = re.search(r'action="(/drafts/[^"]+/plan)"', draft.text).group(1)
        with one_worker_busy(client):   # the only worker is busy: the plan waits
            waiting = client.post(action, data={"csrf": csrf, "budget": "20000"})
            assert re.fullmatch(r"http://127\.0\.0\.1/jobs/[\w-]+", str(waiting.url))
            assert '<meta http-equiv="refresh" content="1">' in waiting.text
            assert "Planning… " in text_of(waiting.text) and "waiting for a worker" in text_of(waiting.text)
        page = settle(client, waiting)
        assert page.status_code == 200 and re.search(r"/runs/\d+$", str(page.url))
        assert client.get(str(waiting.url)).url == page.url   # a finished job's page sends on to its run
        assert client.get("/jobs/no-such-job").status_code == 404


def test_a_bad_file_read_after_the_first_second_gets_its_error_on_the_progress_page(history_store):
    with make_client(history_store, workers=1) as client:
        csrf = csrf_of(client.get("/").text)
        with one_worker_busy(client):
            waiting = client.post("/upload", data={"csrf": csrf}, files=[("reports", ("bad.csv", b"a,b\n1,2\n"))])
            assert "/jobs/" in str(waiting.url)
        failed = settle(client, waiting)
        assert failed.status_code == 400 and "bad.csv: " in text_of(failed.text)
        assert list(client.app.state.workbench.root.iterdir()) == []


def test_a_whatif_still_comparing_after_a_second_shows_its_progress_then_the_comparison(history_store):
    with make_client(history_store, workers=1) as client:
        draft = upload(client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
        csrf = csrf_of(draft.text)
        run = int(re.search(r"/runs/(\d+)$", str(plan(client, draft, budget=20000).url)).group(1))
        with one_worker_busy(client):   # the only worker is busy: the comparison waits
            waiting = client.post(f"/runs/{run}/whatif", data={"csrf": csrf, "name": "Double 11", "cpc": "1.3"})
            assert re.fullmatch(r"http://127\.0\.0\.1/jobs/[\w-]+", str(waiting.url))
            assert '<meta http-equiv="refresh" content="1">' in waiting.text
            assert "Comparing the scenarios… " in text_of(waiting.text) and "waiting for a worker" in text_of(waiting.text)
            assert client.app.state.workbench.whatifs(run) is None
        compared = settle(client, waiting)
        assert compared.status_code == 200 and str(compared.url).endswith(f"/runs/{run}/whatif")
        assert "Double 11" in text_of(compared.text)
        job = client.app.state.workbench.job(str(waiting.url).rsplit("/", 1)[1])
        assert [phase["name"] for phase in job.progress.phases()][:3] == ["read and validate", "estimate", "build"]


def test_a_whatif_that_cannot_be_planned_after_the_first_second_gets_its_error_and_is_not_kept(history_store):
    with make_client(history_store, workers=1) as client:
        draft = upload(client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
        csrf = csrf_of(draft.text)
        run = int(re.search(r"/runs/(\d+)$", str(plan(client, draft, budget=20000).url)).group(1))
        with one_worker_busy(client):
            waiting = client.post(f"/runs/{run}/whatif", data={"csrf": csrf, "min_roi": "1000"})
            assert "/jobs/" in str(waiting.url)
        failed = settle(client, waiting)
        assert failed.status_code == 422 and "min_roi 1000 cannot be met" in text_of(failed.text)
        assert client.app.state.workbench.whatifs(run) is None
