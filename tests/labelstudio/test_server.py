import socket

import pytest

from pipeline.labelstudio.server import (Credentials, LabelStudioServer, ServerError, local_credentials,
                                         port_is_free, server_env)


def test_credentials_are_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    first = local_credentials(tmp_path)
    again = local_credentials(tmp_path)
    assert first.token == again.token and first.password == again.password and len(first.token) >= 20
    store = tmp_path / ".credentials.json"
    assert store.stat().st_mode & 0o777 == 0o600
    assert first.token not in repr(first) and str(store) in first.token_source
    assert first.token not in first.token_source


def test_env_token_is_used_and_a_mismatch_with_an_existing_database_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "env-token-123456")
    creds = local_credentials(tmp_path)
    assert creds.token == "env-token-123456" and creds.token_source == "LABEL_STUDIO_API_KEY"
    (tmp_path / "label_studio.sqlite3").write_bytes(b"")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "another-token-654321")
    with pytest.raises(ServerError, match="not the token"):
        local_credentials(tmp_path)


def test_server_env_is_offline_loopback_and_drops_plain_fallbacks(tmp_path):
    creds = Credentials("u@example.com", "pw", "tok123456", "test")
    env = server_env(tmp_path, creds, base={"PORT": "1", "USERNAME": "x", "PATH": "/bin"})
    assert "PORT" not in env and "USERNAME" not in env and env["PATH"] == "/bin"
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path)
    assert env["LABEL_STUDIO_LATEST_VERSION_CHECK"] == "false"
    assert env["LABEL_STUDIO_USER_TOKEN"] == "tok123456" and env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true"


def test_busy_port_is_refused_before_label_studio_silently_moves(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.labelstudio.server.ensure_venv", lambda venv: tmp_path / "label-studio")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert not port_is_free(port)
        server = LabelStudioServer(port, tmp_path, Credentials("u", "p", "t" * 8, "test"))
        with pytest.raises(ServerError, match=f"port {port} .* is busy"):
            server.start()
