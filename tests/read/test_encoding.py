"""Text files: every encoding we promise to detect, and the bad inputs we promise to refuse."""
from __future__ import annotations

import random

import pytest

from pipeline.read import ReadError, read_bytes

# Our own sentences. Digits and newlines give UTF-16 its NUL-byte pattern; the Chinese gives
# GB/UTF-8 their multi-byte sequences.
TEXT = ("青禾县图书馆2023年度部门整体支出绩效自评报告\n"
        "一、部门基本情况\n"
        "本馆全年开展阅读推广活动36场，服务读者约4.2万人次。\n")


@pytest.mark.parametrize("raw, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("gbk"), "gb18030"),            # GB18030 is GBK's superset: one name decodes both
    (TEXT.encode("gb2312"), "gb18030"),
    (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le"),
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),     # no BOM: recognised by the NUL pattern
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"), "utf-32-le"),
    (b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"), "utf-32-be"),
])
def test_detects_encoding_and_returns_the_text_unchanged(raw, encoding):
    result = read_bytes(raw, ".txt")
    assert result.text == TEXT                  # BOM removed, nothing else changed
    assert result.encoding == encoding
    assert result.format == "txt"
    assert result.n_bytes == len(raw)
    assert result.tables == []


def test_gb18030_only_characters_survive():
    # 𠀀 (U+20000) and ㆠ exist in GB18030 but not in GBK: a 4-byte GB18030 sequence.
    text = "生僻字𠀀与注音ㆠ均需保留。\n"
    result = read_bytes(text.encode("gb18030"), ".txt")
    assert (result.text, result.encoding) == (text, "gb18030")


def test_line_endings_and_spacing_are_kept():
    text = "一、总体情况\r\n\u3000\u3000全年预算执行率 98.6%。\r\n\r\n二、问题\r\n"
    assert read_bytes(text.encode("utf-8"), ".txt").text == text


def test_markdown_is_read_like_text():
    text = "# 自评报告\n\n| 项目 | 得分 |\n|---|---|\n| 产出 | 28 |\n"
    result = read_bytes(text.encode("gbk"), ".md")
    assert (result.text, result.format, result.encoding) == (text, "md", "gb18030")


def test_utf8_cut_mid_character_stays_utf8_with_a_warning():
    raw = TEXT.encode("utf-8") + "完".encode("utf-8")[:2]
    result = read_bytes(raw, ".txt")
    assert result.text == TEXT and result.encoding == "utf-8"
    assert any("truncated" in warning for warning in result.warnings)


def test_utf8_with_one_damaged_byte_is_not_read_as_gb18030():
    raw = TEXT.encode("utf-8")
    damaged = raw[:9] + b"\xff" + raw[9:]      # a stray byte after the third character
    result = read_bytes(damaged, ".txt")
    assert result.encoding == "utf-8"
    assert result.text == TEXT[:3] + "\ufffd" + TEXT[3:]
    assert any("replaced" in warning for warning in result.warnings)


def test_big5_falls_back_to_charset_normalizer_with_a_warning():
    text = "各部門預算執行率較高，績效目標均已完成，群眾滿意度持續提升。\n"
    result = read_bytes(text.encode("big5"), ".txt")
    assert result.text == text and result.encoding == "big5"
    assert any("guessed" in warning for warning in result.warnings)


@pytest.mark.parametrize("raw, message", [
    (b"", "empty file"),
    (b"   \r\n\t\n", "empty file"),
    ("\u3000\u3000\n".encode("utf-8"), "empty file"),
    (b"\xef\xbb\xbf\n", "empty file"),
])
def test_empty_files_are_refused(raw, message):
    with pytest.raises(ReadError) as caught:
        read_bytes(raw, ".txt")
    assert caught.value.message.startswith(message)


def _random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.mark.parametrize("raw, fragment", [
    (b"\x89PNG\r\n\x1a\n" + _random_bytes(2000, 1), "PNG image"),
    (b"%PDF-1.7\n" + _random_bytes(500, 2), "PDF"),
    (b"PK\x03\x04" + _random_bytes(500, 3), "ZIP"),
    (b"\x7fELF\x02\x01\x01" + _random_bytes(500, 4), "ELF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random_bytes(500, 5), "old binary Office"),
    (_random_bytes(4000, 6), "binary file"),                       # NULs, no UTF-16 pattern
    ("正文".encode("utf-8") + bytes(range(1, 9)) * 40, "binary file"),   # control bytes
])
def test_binary_files_are_refused_with_what_they_look_like(raw, fragment):
    with pytest.raises(ReadError) as caught:
        read_bytes(raw, ".txt")
    assert caught.value.message.startswith("binary file")
    assert fragment in caught.value.message


@pytest.mark.parametrize("raw", [
    b"\xff" * 64,
    b"\x80" * 64,
    # UTF-8 and GBK halves in one file: neither decoding fits the whole.
    "预算执行".encode("utf-8") + "绩效目标完成情况良好".encode("gbk"),
    # A UTF-16 BOM followed by an odd number of bytes.
    b"\xff\xfe" + "目标".encode("utf-16-le") + b"\x41",
])
def test_undecodable_bytes_are_refused(raw):
    with pytest.raises(ReadError) as caught:
        read_bytes(raw, ".txt")
    assert caught.value.message.startswith("undecodable text")


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_stray_nul_and_control_characters_are_kept_for_the_cleaner_with_a_warning(codec):
    text = "一、部门基本情况\n本局核定编制30人。\n二、预算执行情况\n年度总收入960.00万元。\n" * 5
    damaged = (text[:10] + "\x00\x00" + text[10:30] + "\x7f" + text[30:]).encode(codec)
    result = read_bytes(damaged, ".txt")
    assert result.encoding == codec
    assert result.text.replace("\x00", "").replace("\x7f", "") == text   # removed later, by clean
    assert any("3 stray control character(s)" in warning for warning in result.warnings)


def test_utf16_without_bom_is_read_with_a_warning():
    text = "2022年度部门整体支出绩效自评报告\n一、部门基本情况\n核定编制30人。\n"
    for codec in ("utf-16-le", "utf-16-be"):
        result = read_bytes(text.encode(codec), ".txt")
        assert (result.text, result.encoding) == (text, codec)
        assert any("no byte-order mark" in warning for warning in result.warnings)
