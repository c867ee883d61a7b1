"""The safety rules, each against the running app: token 401, host check, CSRF 403, CSP on every answer, cap 413."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from optimizer.workbench.app import create_app
from optimizer.workbench.guards import CSP, TOKEN_COOKIE, same
from optimizer.workbench.settings import ServeSettings
from tests.paths import SAMPLE
from tests.workbench.conftest import csrf_of, make_client, text_of, upload

TOKEN = "t0ken-for-the-tests-0123456789"


@pytest.fixture
def shared(history_store):
    """A workbench on all interfaces, so with an access token."""
    settings = ServeSettings(host="0.0.0.0", token=TOKEN, db=history_store)
    with TestClient(create_app(settings), base_url="http://192.0.2.10:8765") as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/", "/history", "/static/workbench.css", "/runs/1"])
def test_without_the_token_every_path_answers_401(shared, path):
    response = shared.get(path)
    assert response.status_code == 401
    assert "access token" in response.text
    assert response.headers["content-security-policy"] == CSP


@pytest.mark.parametrize("wrong", ["", "t0ken-for-the-tests-012345678", TOKEN + "x"])
def test_a_wrong_token_answers_401_by_query_header_or_cookie(shared, wrong):
    assert shared.get("/", params={"token": wrong}).status_code == 401
    assert shared.get("/", headers={"authorization": f"Bearer {wrong}"}).status_code == 401
    shared.cookies.set(TOKEN_COOKIE, wrong)
    assert shared.get("/").status_code == 401


def test_the_printed_link_sets_a_cookie_and_drops_the_token_from_the_address(shared):
    response = shared.get("/", params={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}={TOKEN}") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert shared.get("/").status_code == 200   # the client keeps the cookie, as a browser does
    assert shared.get("/history", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_loopback_needs_no_token_but_refuses_other_host_names(client):
    assert client.get("/").status_code == 200
    rebound = client.get("/", headers={"host": "attacker.example:8765"})
    assert rebound.status_code == 400 and "unknown host" in rebound.text


def test_a_form_without_its_csrf_token_answers_403_and_reads_nothing(client, tmp_path):
    client.get("/")
    files = [("reports", ("ztc_keywords.csv", SAMPLE.read_bytes(), "text/csv"))]
    for data in ({}, {"csrf": "forged-token-of-another-page"}):
        response = client.post("/upload", data=data, files=files)
        assert response.status_code == 403
        assert "CSRF token" in text_of(response.text)
    assert list(client.app.state.workbench.root.iterdir()) == []


def test_the_csrf_token_is_the_browsers_own_cookie(client, history_store):
    csrf = csrf_of(client.get("/").text)
    with make_client(history_store) as other_browser:
        other_browser.get("/")
        response = other_browser.post("/upload", data={"csrf": csrf},
                                      files=[("reports", ("a.csv", b"x", "text/csv"))])
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/history", "/static/workbench.css", "/runs/999", "/drafts/nope"])
def test_every_answer_sends_the_content_security_policy(client, path):
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client):
    page = client.get("/").text
    assert "<script" not in page and "<style" not in page and " style=" not in page


def test_an_upload_past_the_cap_answers_413_and_keeps_nothing(history_store):
    with make_client(history_store, max_upload_mb=0.05) as small:
        response = upload(small, [("ztc_keywords.csv", SAMPLE.read_bytes())])
        assert response.status_code == 413
        assert "cap of 0.05 MB" in response.text
        assert list(small.app.state.workbench.root.iterdir()) == []
        assert small.app.state.workbench.store.runs().empty


def test_a_body_without_a_length_is_capped_as_it_streams(history_store):
    def chunks():
        for _ in range(20):
            yield b"x" * 10_000

    with make_client(history_store, max_upload_mb=0.05) as small:
        csrf = csrf_of(small.get("/").text)
        response = small.post("/upload", content=chunks(), headers={
            "content-type": "multipart/form-data; boundary=b", "x-csrf": csrf})
    assert response.status_code == 413
    assert "cap of 0.05 MB" in text_of(response.text)


def test_secrets_compare_only_when_both_are_given():
    assert same("abc", "abc") and not same("abc", "abd")
    assert not same(None, None) and not same("", "") and not same(None, "abc")
