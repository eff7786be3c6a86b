"""Connection to a Label Studio server: token, retries, timeouts, clear errors.

The SDK (label-studio-sdk 2.x) does the REST calls; this module gives it

* the API token from ``LABEL_STUDIO_API_KEY`` or a config file (``--config`` /
  ``LABEL_STUDIO_CONFIG``), wrapped in :class:`Secret` so it is never printed,
  and a log-record factory that blanks it out of any log line;
* an httpx transport that retries transient failures with exponential backoff
  (connection refused/reset, 502/503/504, and 500 or read timeouts for
  idempotent methods) and never retries a 4xx: a 4xx is our mistake or the
  server's verdict and repeating it cannot help. The SDK's own retries are
  switched off because it also retries 408/409/429 on any method;
* :meth:`LabelStudioClient.errors`, which turns SDK/httpx exceptions into one
  :class:`LabelStudioError` with a message a user can act on.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import httpx
import yaml

log = logging.getLogger("jixiao.labelstudio")

TOKEN_ENV = "LABEL_STUDIO_API_KEY"
CONFIG_ENV = "LABEL_STUDIO_CONFIG"
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
ALWAYS_RETRY_STATUS = frozenset({502, 503, 504})  # the server (or a proxy) did not process the request


class LabelStudioError(RuntimeError):
    """Anything that went wrong talking to Label Studio, worded for the user."""


class Secret:
    """A string that does not show itself: str(), repr() and f-strings give ***."""
    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "***"

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Token:
    secret: Secret
    source: str  # where it was found; safe to print


def resolve_token(config: Path | str | None = None, env: dict | None = None) -> Token:
    """The API token: --config FILE, else $LABEL_STUDIO_API_KEY, else the file named by $LABEL_STUDIO_CONFIG.

    A config file is YAML or JSON with an ``api_key`` (or ``token``) entry.
    """
    env = os.environ if env is None else env
    if config is not None:
        return _token_from_file(Path(config), "--config")
    if env.get(TOKEN_ENV):
        return Token(Secret(env[TOKEN_ENV].strip()), f"${TOKEN_ENV}")
    if env.get(CONFIG_ENV):
        return _token_from_file(Path(env[CONFIG_ENV]), f"${CONFIG_ENV}")
    raise LabelStudioError(f"no Label Studio API token: set {TOKEN_ENV}, or pass --config FILE "
                           f"(or set {CONFIG_ENV}) naming a YAML file with `api_key: ...`")


def _token_from_file(path: Path, how: str) -> Token:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabelStudioError(f"cannot read the Label Studio config {path} ({how}): {exc.strerror}") from None
    except yaml.YAMLError:
        raise LabelStudioError(f"the Label Studio config {path} ({how}) is not valid YAML/JSON") from None
    value = (data or {}).get("api_key") or (data or {}).get("token") if isinstance(data, dict) else None
    if not value:
        raise LabelStudioError(f"the Label Studio config {path} ({how}) has no `api_key` entry")
    return Token(Secret(str(value).strip()), f"{path} ({how})")


# ---------------------------------------------------------------- redaction

def redact(text: str, *secrets: Secret | str) -> str:
    for s in secrets:
        raw = s.reveal() if isinstance(s, Secret) else s
        if raw:
            text = text.replace(raw, "***")
    return text


_redacted: list[str] = []


def install_log_redaction(secret: Secret) -> None:
    """Blank the token out of every log record, whichever library logs it.

    Wraps the process-wide log-record factory once; each new secret joins the list.
    """
    raw = secret.reveal()
    if not raw or raw in _redacted:
        return
    first = not _redacted
    _redacted.append(raw)
    if not first:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        message = record.getMessage()
        if any(r in message for r in _redacted):
            record.msg, record.args = redact(message, *_redacted), None
        return record
    logging.setLogRecordFactory(factory)


# ---------------------------------------------------------------- retries

class RetryTransport(httpx.BaseTransport):
    """Retries transient failures of an inner transport with exponential backoff."""

    def __init__(self, inner: httpx.BaseTransport | None = None, retries: int = 3, backoff: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep):
        self.inner = inner or httpx.HTTPTransport()
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        idempotent = request.method in IDEMPOTENT
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.inner.handle_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Nothing reached the server: safe to repeat any method.
                if last:
                    raise
                reason = type(exc).__name__
            except (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # The server may have acted on it: repeat only what is idempotent.
                if last or not idempotent:
                    raise
                reason = type(exc).__name__
            else:
                retryable = response.status_code in ALWAYS_RETRY_STATUS or (
                    response.status_code >= 500 and idempotent)
                if last or not retryable:
                    return response
                response.close()
                reason = f"HTTP {response.status_code}"
            delay = self.backoff * (2 ** attempt)
            log.warning("Label Studio %s %s: %s; retry %d/%d in %.1f s", request.method, request.url.path,
                        reason, attempt + 1, self.retries, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.inner.close()


# ---------------------------------------------------------------- client

class LabelStudioClient:
    """The SDK client plus our transport, token handling and error wording."""

    def __init__(self, url: str, token: Token | Secret | str, timeout: float = 60.0, retries: int = 3,
                 backoff: float = 0.5, transport: httpx.BaseTransport | None = None):
        from label_studio_sdk import LabelStudio  # heavy import, only when a server is used

        self.url = url.rstrip("/")
        secret = token.secret if isinstance(token, Token) else token if isinstance(token, Secret) else Secret(token)
        self.token = secret
        install_log_redaction(secret)
        self.http = httpx.Client(transport=RetryTransport(transport, retries=retries, backoff=backoff),
                                 timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
                                 follow_redirects=True)
        self.sdk = LabelStudio(base_url=self.url, api_key=secret.reveal(), httpx_client=self.http,
                               max_retries=0, timeout=timeout)

    @contextlib.contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Re-raise failures of the calls inside as LabelStudioError('while DOING: ...')."""
        from label_studio_sdk.core.api_error import ApiError

        try:
            yield
        except LabelStudioError:
            raise
        except ApiError as exc:
            raise LabelStudioError(self._api_message(doing, exc.status_code, exc.body)) from None
        except httpx.ConnectError:
            raise LabelStudioError(f"cannot reach Label Studio at {self.url} while {doing}: connection failed "
                                   "(is it running? `make labelstudio` starts one)") from None
        except httpx.TimeoutException:
            raise LabelStudioError(f"Label Studio at {self.url} did not answer in time while {doing}") from None
        except httpx.HTTPError as exc:
            raise LabelStudioError(redact(f"HTTP error talking to Label Studio at {self.url} while {doing}: {exc}",
                                          self.token)) from None

    def _api_message(self, doing: str, status: int | None, body) -> str:
        if status in (401, 403):
            return (f"Label Studio at {self.url} rejected the API token (HTTP {status}) while {doing}: "
                    f"check {TOKEN_ENV} or the --config file")
        detail = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)
        return redact(f"Label Studio at {self.url} answered HTTP {status} while {doing}: {detail[:500]}", self.token)

    def check(self) -> None:
        """Fail early, with a clear message, on a wrong URL or token."""
        with self.errors("checking the API token"):
            self.request("GET", "/api/current-user/whoami")

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """A raw REST call (for the endpoints where the SDK's models drop fields); raises on HTTP errors."""
        from label_studio_sdk.core.api_error import ApiError

        # The SDK's headers: "Token" for legacy tokens, "Bearer" for personal access tokens.
        headers = self.sdk._client_wrapper.get_headers()
        response = self.http.request(method, self.url + path, headers=headers, **kwargs)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = response.text
            raise ApiError(status_code=response.status_code, body=body)
        return response

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "LabelStudioClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
