"""Inputs at scale: odd files become Inputs with a problem, never an exception or a hang."""
from __future__ import annotations

import os

from pipeline.batch.inputs import discover, display_path, read_manifest


def odd_folder(root):
    root.mkdir()
    (root / "good.txt").write_text("绩效自评报告", encoding="utf-8")
    bad = os.fsencode(str(root)) + b"/bad\xff\xfe.txt"
    with open(bad, "wb") as fh:
        fh.write("预算绩效".encode("utf-8"))
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.symlink("missing.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.txt")
    os.symlink("/dev/null", root / "device.txt")
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "up")          # a folder loop
    (root / "sub" / "good.txt").write_text("同名文件", encoding="utf-8")
    (root / ".hidden.txt").write_text("x", encoding="utf-8")
    return root


def test_odd_files_each_become_one_input_with_a_problem(tmp_path):
    inputs = {os.path.relpath(i.display, display_path(str(tmp_path / "in"))): i for i in discover([odd_folder(tmp_path / "in")])}
    assert set(inputs) == {"good.txt", "bad\\xff\\xfe.txt", "loop_a", "loop_b", "dangling.txt", "pipe.txt",
                           "device.txt", "sub/up", "sub/good.txt"}
    assert inputs["good.txt"].problem is None and inputs["sub/good.txt"].problem is None
    assert inputs["bad\\xff\\xfe.txt"].problem is None
    assert "loop" in inputs["loop_a"].problem and "loop" in inputs["loop_b"].problem
    assert "dangling" in inputs["dangling.txt"].problem
    assert "pipe" in inputs["pipe.txt"].problem
    assert "device" in inputs["device.txt"].problem
    assert "loop" in inputs["sub/up"].problem
    assert inputs["good.txt"].out_name != inputs["sub/good.txt"].out_name
    assert all(i.display.encode("utf-8") for i in inputs.values())


def test_the_same_file_named_twice_is_one_input(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    os.symlink("a.txt", tmp_path / "link.txt")
    found = discover([tmp_path / "a.txt", str(tmp_path / "a.txt"), tmp_path / "link.txt", tmp_path])
    assert len(found) == 1


def test_manifest_keeps_bytes_and_skips_blank_lines(tmp_path):
    manifest = tmp_path / "list.txt"
    manifest.write_bytes(b"/x/a.txt\r\n\n/x/b\xff.txt\n")
    assert [display_path(p) for p in read_manifest(manifest)] == ["/x/a.txt", "/x/b\\xff.txt"]
