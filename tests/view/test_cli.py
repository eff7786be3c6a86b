from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from tests.view.records import roads_record


def test_view_command_writes_the_site(tmp_path):
    rec = roads_record()
    (tmp_path / "r.json").write_text(json.dumps(rec.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["view", str(tmp_path / "r.json"), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "1 document page(s)" in result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert len(list((tmp_path / "site" / "docs").glob("*.html"))) == 1
    for asset in ("view.js", "view.css", "labels.css"):
        assert (tmp_path / "site" / "assets" / asset).stat().st_size > 0


def test_view_exits_nonzero_when_nothing_is_a_record(tmp_path):
    (tmp_path / "x.json").write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(app, ["view", str(tmp_path / "x.json"), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
