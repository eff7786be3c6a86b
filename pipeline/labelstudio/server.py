"""A local Label Studio server: its own venv, its data folder, start, health, stop.

Used by ``make labelstudio`` (scripts/labelstudio.sh → ``python -m
pipeline.labelstudio.server``) and by the integration-test fixture, so both
create ``.ls-venv`` the same way. Label Studio pins an exact SDK and Django
stack, so it lives in a venv of its own instead of the project's ``.venv``.

Only the standard library is imported here: the script must run before the
project venv exists. Measured behaviour this module works around
(../shared/spec/labelstudio-notes.md): the data dir must be set before any
``label-studio`` call, legacy token auth only takes effect when the database is
first created, and a busy port is silently replaced by port+1 — so we refuse a
busy port up front and health-check exactly the port we asked for.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import PROJECT_ROOT

LS_VERSION = "1.23.2"
LS_VENV = PROJECT_ROOT / ".ls-venv"
DEFAULT_DATA_DIR = PROJECT_ROOT / "labelstudio-data"
HOST = "127.0.0.1"  # loopback only: the server holds unreleased reports
DEFAULT_USER = "admin@example.com"


class ServerError(RuntimeError):
    """The local Label Studio could not be installed, started or reached."""


# ---------------------------------------------------------------- venv

def ls_executable(venv: Path = LS_VENV) -> Path:
    return venv / "bin" / "label-studio"


def ensure_venv(venv: Path = LS_VENV, version: str = LS_VERSION, python: str | None = None,
                quiet: bool = True) -> Path:
    """Create ``venv`` with label-studio==version unless it is already there; returns the executable.

    A marker file records the installed version, so an interrupted install is
    retried rather than trusted. A lock file keeps two callers (a test session
    and ``make labelstudio``) from installing into the same venv at once.
    """
    marker = venv / f".installed-label-studio-{version}"
    exe = ls_executable(venv)
    if marker.exists() and exe.exists():
        return exe
    venv.mkdir(parents=True, exist_ok=True)  # `python -m venv` accepts an existing folder
    with open(venv / ".install.lock", "w") as lock:
        _lock(lock)
        if marker.exists() and exe.exists():  # another process finished meanwhile
            return exe
        py = python or _system_python()
        if not (venv / "bin" / "python").exists():
            _run([py, "-m", "venv", str(venv)], "create the Label Studio venv")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install"] + (["-q"] if quiet else [])
        _run(pip + [f"label-studio=={version}"], f"pip install label-studio=={version}")
        if not exe.exists():
            raise ServerError(f"pip installed label-studio but {exe} is missing")
        marker.write_text(version + "\n")
    return exe


def _system_python() -> str:
    # The project venv's python works, but a venv made from a venv keeps a link
    # to it; prefer the interpreter the project venv itself was made from.
    base = getattr(sys, "_base_executable", None) or sys.executable
    return base if Path(base).exists() else sys.executable


def _lock(fh) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        return
    fcntl.flock(fh, fcntl.LOCK_EX)


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout)[-2000:]
        raise ServerError(f"could not {what} (exit {proc.returncode}):\n{tail}")


# ---------------------------------------------------------------- ports and health

def port_is_free(port: int, host: str = HOST) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = HOST) -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as resp:
            return json.loads(resp.read().decode() or "{}").get("status") == "UP"
    except (OSError, ValueError, urllib.error.URLError):
        return False


# ---------------------------------------------------------------- credentials

@dataclass
class Credentials:
    """Admin login and API token of a local server; the token is never printed."""
    username: str
    password: str
    token: str
    token_source: str  # where the token came from, safe to print

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***, token=***, token_source={self.token_source!r})"


def local_credentials(data_dir: Path) -> Credentials:
    """Token from LABEL_STUDIO_API_KEY, else one generated once and kept in DATA_DIR/.credentials.json (mode 600).

    The token must stay the same for a data dir: Label Studio registers it only
    when it first creates the database.
    """
    store = data_dir / ".credentials.json"
    saved = json.loads(store.read_text()) if store.exists() else {}
    env_token = os.environ.get("LABEL_STUDIO_API_KEY")
    if env_token and saved.get("token") and env_token != saved["token"] and (data_dir / "label_studio.sqlite3").exists():
        raise ServerError(f"LABEL_STUDIO_API_KEY is not the token {data_dir} was created with; "
                          f"unset it (the saved token in {store} is used) or start with a new --data folder")
    if env_token:
        token, source = env_token, "LABEL_STUDIO_API_KEY"
    else:
        token = saved.get("token") or secrets.token_hex(20)
        source = f'{store} (export LABEL_STUDIO_API_KEY from its "token")'
    creds = Credentials(saved.get("username", DEFAULT_USER), saved.get("password") or secrets.token_urlsafe(12),
                        token, source)
    if saved != {"username": creds.username, "password": creds.password, "token": token}:
        data_dir.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps({"username": creds.username, "password": creds.password, "token": token}))
        store.chmod(0o600)
    return creds


def server_env(data_dir: Path, creds: Credentials, base: dict | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    # Plain USERNAME/PASSWORD/PORT/HOST are fallbacks Label Studio also reads: drop them.
    for name in ("USERNAME", "PASSWORD", "PORT", "HOST"):
        env.pop(name, None)
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",  # else it calls the package index at start
        "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_USERNAME": creds.username, "LABEL_STUDIO_PASSWORD": creds.password,
        "LABEL_STUDIO_USER_TOKEN": creds.token, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        # The ML backend and its webhook listen on loopback next to this loopback-only
        # server; Label Studio's SSRF guards refuse loopback targets unless told otherwise.
        "ML_BLOCK_LOCAL_IP": "false", "SSRF_PROTECTION_ENABLED": "false",
    })
    return env


# ---------------------------------------------------------------- the server process

@dataclass
class LabelStudioServer:
    port: int
    data_dir: Path
    credentials: Credentials
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    _log: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, venv: Path = LS_VENV, timeout: float = 180.0) -> "LabelStudioServer":
        exe = ensure_venv(venv)
        if not port_is_free(self.port):
            raise ServerError(f"port {self.port} on {HOST} is busy; choose another with --port "
                              "(Label Studio would silently move to the next port)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / "server.log"
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(exe), "start", "--no-browser", "--internal-host", HOST, "-p", str(self.port)],
            env=server_env(self.data_dir, self.credentials), stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(f"label-studio exited with code {self.process.returncode} before it was up; "
                                  f"see {self.log_path}:\n{self.log_tail()}")
            if is_healthy(self.url):
                return
            time.sleep(0.5)
        self.stop()
        raise ServerError(f"label-studio did not answer {self.url}/health within {timeout:.0f} s; "
                          f"see {self.log_path}:\n{self.log_tail()}")

    def log_tail(self, n: int = 3000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-n:].replace(self.credentials.token, "***")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the server's process group (it forks workers), then SIGKILL after timeout."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "LabelStudioServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labelstudio", description="Run a local Label Studio on loopback.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LS_PORT", 8080)))
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("LS_DATA", DEFAULT_DATA_DIR)))
    parser.add_argument("--venv", type=Path, default=LS_VENV)
    parser.add_argument("--install-only", action="store_true", help="create the venv and exit")
    args = parser.parse_args(argv)
    try:
        print(f"label-studio {LS_VERSION} in {args.venv} (created if missing) …", flush=True)
        ensure_venv(args.venv, quiet=False)
        if args.install_only:
            return 0
        data_dir = args.data.resolve()
        creds = local_credentials(data_dir)
        server = LabelStudioServer(args.port, data_dir, creds)
        print(f"starting on {server.url} with data in {data_dir} (first start migrates the database: ~30 s) …",
              flush=True)
        server.start(args.venv)
    except ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Label Studio is up: {server.url}\n"
          f"  login: {creds.username} (password in {data_dir / '.credentials.json'})\n"
          f"  API token source: {creds.token_source}\n"
          f"  log: {server.log_path}\nCtrl-C stops it.", flush=True)
    stop = {"now": False}

    def _stop(*_):
        stop["now"] = True
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stop["now"] and server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
