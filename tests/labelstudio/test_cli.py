import json

from typer.testing import CliRunner

from pipeline.labelstudio.cli import ls_app
from pipeline.labelstudio.config import labeling_config
from pipeline.labelstudio.server import free_port

from .factory import make_record

TOKEN = "cli-secret-token-8d7e6f"
runner = CliRunner()


def test_config_prints_the_generated_config():
    result = runner.invoke(ls_app, ["config"])
    assert result.exit_code == 0 and result.output.strip() == labeling_config().strip()


def test_push_without_a_token_says_how_to_give_one(tmp_path, monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_CONFIG", raising=False)
    rec = tmp_path / "r.json"
    rec.write_text(json.dumps(make_record().to_json_dict(), ensure_ascii=False))
    result = runner.invoke(ls_app, ["push", str(rec), "--project", "p", "--url", "http://127.0.0.1:1"])
    assert result.exit_code == 1 and "LABEL_STUDIO_API_KEY" in result.output


def test_unreachable_server_error_never_prints_the_token(tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    rec = tmp_path / "r.json"
    rec.write_text(json.dumps(make_record().to_json_dict(), ensure_ascii=False))
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(ls_app, ["push", str(rec), "--project", "p", "--url", url])
    assert result.exit_code == 1 and "cannot reach Label Studio" in result.output
    assert TOKEN not in result.output


def test_bad_offsets_stop_the_push_before_any_request(tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    bad = make_record()
    bad.spans[0].start += 2
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(bad.to_json_dict(), ensure_ascii=False) + "\n")
    url = f"http://127.0.0.1:{free_port()}"  # not reached: offsets are checked first
    result = runner.invoke(ls_app, ["push", str(path), "--project", "p", "--url", url])
    assert result.exit_code == 1 and "invalid offset" in result.output and "span s1 FUNCTION" in result.output


def test_backend_without_a_trained_model_says_so(tmp_path):
    result = runner.invoke(ls_app, ["backend", "--port", str(free_port()), "--model", str(tmp_path / "none"),
                                    "--workdir", str(tmp_path / "work")])
    assert result.exit_code == 1 and "no trained tagger in" in result.output


def test_backend_on_a_busy_port_says_so(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        result = runner.invoke(ls_app, ["backend", "--port", str(port), "--workdir", str(tmp_path)])
    assert result.exit_code == 1 and f"port {port} on 127.0.0.1 is busy" in result.output
