"""A real Label Studio for the tests marked ``labelstudio``: started once per session.

The server runs from .ls-venv (created here when missing, by the same code as
`make labelstudio`) on a free loopback port, with its data in a temporary
folder and a throwaway token; it is stopped with SIGTERM at the end. Starting
it costs ~30 s of CPU on a new database, so only tests that ask for
``ls_server`` / ``ls_client`` start it (``-m "not labelstudio"`` never does).
"""
from __future__ import annotations

import secrets
import uuid

import pytest

from pipeline.labelstudio.client import LabelStudioClient
from pipeline.labelstudio.server import Credentials, LabelStudioServer, ensure_venv, free_port


@pytest.fixture(scope="session")
def ls_server(tmp_path_factory):
    ensure_venv()
    creds = Credentials("admin@example.com", secrets.token_urlsafe(12), secrets.token_hex(20), "test fixture")
    server = LabelStudioServer(free_port(), tmp_path_factory.mktemp("ls-data"), creds)
    server.start(timeout=300)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ls_client(ls_server):
    with LabelStudioClient(ls_server.url, ls_server.credentials.token, retries=2, backoff=0.2) as client:
        yield client


@pytest.fixture
def project_title():
    """A fresh project per test, so tests do not depend on each other's order."""
    return f"jixiao-test-{uuid.uuid4().hex[:8]}"
