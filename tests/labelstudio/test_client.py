import logging

import httpx
import pytest

from pipeline.labelstudio.client import (LabelStudioClient, LabelStudioError, RetryTransport, Secret,
                                         install_log_redaction, resolve_token)
from pipeline.labelstudio.server import free_port

TOKEN = "tok-unit-test-5f1c2a9e"


def test_token_from_env_then_config_env(tmp_path):
    t = resolve_token(env={"LABEL_STUDIO_API_KEY": TOKEN})
    assert t.secret.reveal() == TOKEN and t.source == "$LABEL_STUDIO_API_KEY"
    cfg = tmp_path / "ls.yaml"
    cfg.write_text(f"api_key: {TOKEN}x\n")
    assert resolve_token(env={"LABEL_STUDIO_CONFIG": str(cfg)}).secret.reveal() == TOKEN + "x"
    # an explicit --config wins over the environment
    assert resolve_token(cfg, env={"LABEL_STUDIO_API_KEY": TOKEN}).secret.reveal() == TOKEN + "x"


def test_missing_or_broken_token_sources_say_what_to_do(tmp_path):
    with pytest.raises(LabelStudioError, match="LABEL_STUDIO_API_KEY"):
        resolve_token(env={})
    with pytest.raises(LabelStudioError, match="cannot read"):
        resolve_token(tmp_path / "missing.yaml", env={})
    empty = tmp_path / "empty.yaml"
    empty.write_text("url: http://x\n")
    with pytest.raises(LabelStudioError, match="no `api_key`"):
        resolve_token(empty, env={})


def test_secret_never_shows_itself():
    s = Secret(TOKEN)
    assert TOKEN not in f"{s} {s!r} {[s]} {s:>20}" and s.reveal() == TOKEN


def test_log_redaction_blanks_the_token_from_any_logger(caplog):
    install_log_redaction(Secret(TOKEN))
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("header Authorization: Token %s", TOKEN)
        logging.getLogger("httpx").warning(f"sent {TOKEN}")
    assert caplog.records and TOKEN not in caplog.text and "***" in caplog.text


class Script(httpx.BaseTransport):
    """Answers from a list: an int is a status, an exception class is raised."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def handle_request(self, request):
        self.calls += 1
        a = self.answers.pop(0)
        if isinstance(a, type):
            raise a("scripted", request=request)
        return httpx.Response(a, json={"detail": "x"})


def _send(transport, method="GET"):
    sleeps = []
    rt = RetryTransport(transport, retries=3, backoff=0.1, sleep=sleeps.append)
    with httpx.Client(transport=rt) as c:
        return c.request(method, "http://ls.test/api/x"), sleeps


def test_connection_errors_and_5xx_are_retried_with_backoff():
    t = Script(httpx.ConnectError, 503, 500, 200)
    r, sleeps = _send(t)
    assert r.status_code == 200 and t.calls == 4 and sleeps == [0.1, 0.2, 0.4]


def test_4xx_is_not_retried():
    for status in (400, 401, 404, 409, 429):
        t = Script(status, 200)
        r, sleeps = _send(t, "POST")
        assert r.status_code == status and t.calls == 1 and sleeps == []


def test_post_is_retried_only_when_the_server_did_not_process_it():
    t = Script(500, 200)
    r, _ = _send(t, "POST")
    assert r.status_code == 500 and t.calls == 1  # a 500 may have imported half the tasks
    t = Script(httpx.ConnectError, 502, 200)
    r, _ = _send(t, "POST")
    assert r.status_code == 200 and t.calls == 3
    t = Script(httpx.ReadTimeout, 200)
    with pytest.raises(httpx.ReadTimeout):
        _send(t, "POST")


def test_retries_give_up_after_the_limit():
    t = Script(503, 503, 503, 503, 200)
    r, sleeps = _send(t)
    assert r.status_code == 503 and t.calls == 4 and len(sleeps) == 3


def test_unreachable_server_is_a_clear_error_without_the_token(caplog):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = LabelStudioClient(url, TOKEN, retries=1, backoff=0.01)
    with caplog.at_level(logging.DEBUG), pytest.raises(LabelStudioError) as err:
        client.check()
    assert "cannot reach Label Studio at " + url in str(err.value)
    assert TOKEN not in str(err.value) and TOKEN not in caplog.text


def test_rejected_token_is_a_clear_error_without_the_token():
    def app(request):
        assert request.headers["Authorization"] == f"Token {TOKEN}"
        return httpx.Response(401, json={"detail": "Invalid token."})
    client = LabelStudioClient("http://ls.test", TOKEN, transport=httpx.MockTransport(app))
    with pytest.raises(LabelStudioError, match="rejected the API token") as err:
        client.check()
    assert TOKEN not in str(err.value)


def test_other_http_errors_carry_the_servers_words():
    client = LabelStudioClient("http://ls.test", TOKEN,
                               transport=httpx.MockTransport(lambda r: httpx.Response(400, json={"title": ["bad"]})))
    with pytest.raises(LabelStudioError, match=r"HTTP 400 while checking the API token: .*bad"):
        client.check()
