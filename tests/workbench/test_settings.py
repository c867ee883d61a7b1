"""ServeSettings: loopback needs no token, any other host does; values checked on creation."""

from __future__ import annotations

import pytest

from optimizer.errors import BidoptError
from optimizer.workbench.settings import ServeSettings, is_loopback, new_token


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts(host):
    assert is_loopback(host)
    assert ServeSettings(host=host).token is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org", ""])
def test_other_hosts_are_not_loopback_and_need_a_token(host):
    assert not is_loopback(host)
    with pytest.raises(BidoptError, match=f"serving on {host}, which other machines reach, needs an access token"):
        ServeSettings(host=host)


def test_for_host_makes_a_token_off_loopback_and_keeps_a_given_one():
    made = ServeSettings.for_host("0.0.0.0", port=9000)
    assert len(made.token) >= 40 and made.url() == f"http://0.0.0.0:9000/?token={made.token}"
    assert ServeSettings.for_host("0.0.0.0").token != made.token
    assert ServeSettings.for_host("0.0.0.0", "a-token-of-my-own-1234").token == "a-token-of-my-own-1234"
    assert ServeSettings.for_host("127.0.0.1").token is None
    assert ServeSettings.for_host().url() == "http://127.0.0.1:8765/"
    assert ServeSettings(host="::1").url(4321) == "http://[::1]:4321/"


def test_every_problem_is_listed_at_once():
    with pytest.raises(BidoptError) as caught:
        ServeSettings(port=70000, max_upload_mb=0, workers=0, queue=-1, token="short")
    assert str(caught.value).splitlines() == [
        "The 'port' parameter of serve must be an int in the range [0, 65535]. Got 70000 instead.",
        "The 'max_upload_mb' parameter of serve must be a float in the range (0, inf). Got 0 instead.",
        "The 'workers' parameter of serve must be an int in the range [1, inf). Got 0 instead.",
        "The 'queue' parameter of serve must be an int in the range [0, inf). Got -1 instead.",
        "The 'token' parameter of serve must be at least 16 characters long.",
    ]


def test_the_cap_in_bytes_and_fresh_tokens():
    assert ServeSettings(max_upload_mb=1.5).max_upload_bytes == 1_572_864
    assert new_token() != new_token()
