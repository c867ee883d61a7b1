"""The workbench under Starlette's TestClient, and the steps of the weekly loop as the browser takes them."""

from __future__ import annotations

import html
import re
import threading
import time
from contextlib import contextmanager

import pytest
from starlette.testclient import TestClient

from optimizer.workbench.app import create_app
from optimizer.workbench.settings import ServeSettings
from tests.paths import SAMPLE

LOOPBACK = "http://127.0.0.1"


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def text_of(page: str) -> str:
    """A page's text, tags dropped, entities kept (so an escaped tag shows as &lt;)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def visible_text(page: str) -> str:
    """What a reader sees of a page: the body's text, scripts and tags dropped, entities read, spaces collapsed."""
    body = re.sub(r"<head>.*?</head>|<script.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def untranslated(page: str, longer_than: int = 15) -> list[str]:
    """The catalogue's English words a page shows though its language is another: each run of English between
    placeholders longer than ``longer_than`` characters that is not the same in every language."""
    from optimizer.i18n import CATALOGUE

    shown = visible_text(page)
    pieces = {piece.strip() for texts in CATALOGUE.values() if texts["en"] != texts["zh-CN"]
              for piece in re.split(r"\{[^}]*\}", texts["en"])}
    return sorted(piece for piece in pieces if len(piece) > longer_than and piece in shown)


def settle(client, response, seconds: float = 300):
    """Reload a job's progress page, as the browser does, until it sends us on to the result (or its error)."""
    deadline = time.monotonic() + seconds
    while "/jobs/" in str(response.url) and response.status_code == 200:
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)
        response = client.get(str(response.url))
    return response


def upload(client: TestClient, files: list[tuple[str, bytes]], **fields):
    """Open the start page, then send ``files`` (name, content) with its CSRF token; the draft page (or error)."""
    csrf = csrf_of(client.get("/").text)
    return settle(client, client.post("/upload", data={"csrf": csrf, **fields},
                                      files=[("reports", (name, content, "text/csv")) for name, content in files]))


def plan(client: TestClient, draft_page, **goal):
    """Send the goal form of a draft page; its answer (after the redirect to the plan, or its progress)."""
    action = re.search(r'action="(/drafts/[^"]+/plan)"', draft_page.text).group(1)
    return settle(client, client.post(action, data={"csrf": csrf_of(draft_page.text),
                                                    **{k: str(v) for k, v in goal.items()}}))


@contextmanager
def one_worker_busy(client: TestClient):
    """The pool's worker held on a gate while the block runs: what the block submits waits for a worker."""
    gate = threading.Event()
    held = client.app.state.workbench.pool.submit(gate.wait)
    try:
        yield
    finally:
        gate.set()
        held.result()


def make_client(db_url: str, **settings) -> TestClient:
    return TestClient(create_app(ServeSettings(db=db_url, **settings)), base_url=LOOPBACK)


@pytest.fixture
def client(history_store):
    with make_client(history_store) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """One weekly loop on the sample export: (client, draft page, plan page); the client stays open for the module."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'history.sqlite'}"
    with make_client(db_url) as test_client:
        draft = upload(test_client, [("ztc_keywords.csv", SAMPLE.read_bytes())])
        assert draft.status_code == 200, text_of(draft.text)
        page = plan(test_client, draft, budget=25000, min_roi=2.4, objective="revenue", bid_max=20)
        assert page.status_code == 200, text_of(page.text)
        yield test_client, draft, page
