"""read_path/read_bytes: suffix dispatch, content sniffing for unknown suffixes, size limits."""
from __future__ import annotations

import pytest

from pipeline.read import ReadError, ReadLimits, read_bytes, read_path

TEXT = "一、部门基本情况\n本馆全年开展阅读推广活动36场。\n"


def test_read_path_dispatches_on_suffix(tmp_path, docx_bytes, pdf_bytes):
    files = {"report.TXT": TEXT.encode("gbk"), "report.md": TEXT.encode(), "report.docx": docx_bytes,
             "report.pdf": pdf_bytes, "report.htm": f"<p>{TEXT}</p>".encode()}
    formats = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = read_path(path)
        formats[name] = result.format
        assert result.n_bytes == len(data) and result.warnings == []
    assert formats == {"report.TXT": "txt", "report.md": "md", "report.docx": "docx",
                       "report.pdf": "pdf", "report.htm": "html"}


@pytest.mark.parametrize("fixture, expected", [("docx_bytes", "docx"), ("pdf_bytes", "pdf")])
def test_unknown_suffix_is_sniffed_and_says_so(request, fixture, expected):
    result = read_bytes(request.getfixturevalue(fixture), ".dat")
    assert result.format == expected
    assert result.warnings[0] == f"unknown suffix '.dat': read as {expected} (judged from the content)"


def test_unknown_suffix_text_and_html():
    assert read_bytes(TEXT.encode("utf-16"), "").format == "txt"
    assert read_bytes(b"<!DOCTYPE html><p>\xe6\xad\xa3\xe6\x96\x87</p>", ".asp").format == "html"


def test_old_binary_doc_is_refused_clearly():
    with pytest.raises(ReadError) as caught:
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".doc")
    assert caught.value.message == "the old binary .doc format is not supported: save it as .docx"


def test_non_word_zip_with_unknown_suffix_is_refused(make_zip):
    with pytest.raises(ReadError) as caught:
        read_bytes(make_zip({"a.txt": b"x"}), ".zip")
    assert "not a Word .docx" in caught.value.message


def test_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode() * 100)
    limits = ReadLimits(max_bytes=1024)
    with pytest.raises(ReadError) as caught:
        read_path(path, limits)
    assert caught.value.message == f"file is {len(TEXT.encode()) * 100 / 1024:.1f} KB, over the 1 KB limit"
    with pytest.raises(ReadError):
        read_bytes(path.read_bytes(), ".txt", limits)


def test_default_limit_message():
    with pytest.raises(ReadError) as caught:
        read_bytes(b"a" * int(31.2 * 1024 * 1024), ".txt")
    assert caught.value.message == "file is 31.2 MB, over the 20 MB limit"


def test_just_over_the_limit_prints_bytes():
    with pytest.raises(ReadError) as caught:
        read_bytes(b"a" * 1025, ".txt", ReadLimits(max_bytes=1024))
    assert caught.value.message == "file is 1,025 bytes, over the 1,024-byte limit"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError, match="file not found"):
        read_path(tmp_path / "absent.txt")
    with pytest.raises(ReadError, match="is a directory"):
        read_path(tmp_path)
