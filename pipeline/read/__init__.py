"""Readers: turn a txt / md / html / docx / pdf file into one ReadResult, so that every stage
after this one is format-blind (offsets trace back to ReadResult.text).

    read_path(path)                -> ReadResult   (dispatch on the suffix, and sniffed content)
    read_bytes(data, ".docx")      -> ReadResult
Any file that cannot be read raises ReadError, whose .message is one user-facing sentence.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.read.result import ReadError, ReadLimits, ReadResult, TableBlock, check_size
from pipeline.read.sniff import binary_kind, is_docx_zip, sniff_format

__all__ = ["TableBlock", "ReadResult", "ReadError", "ReadLimits", "read_path", "read_bytes",
           "SUFFIX_FORMATS"]

SUFFIX_FORMATS = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


def read_path(path: Path, limits: ReadLimits = ReadLimits()) -> ReadResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ReadError(f"{path} is a directory, not a file")
        check_size(size, limits)   # before reading: a huge file is refused without loading it
        data = path.read_bytes()
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError(f"file not found: {path}") from None
    except OSError as error:
        raise ReadError(f"cannot read {path}: {error.strerror or error}") from None
    return read_bytes(data, path.suffix, limits)


def read_bytes(data: bytes, suffix: str, limits: ReadLimits = ReadLimits()) -> ReadResult:
    check_size(len(data), limits)
    if not data:
        raise ReadError("empty file")
    suffix = suffix.lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    warnings: list[str] = []
    fmt = SUFFIX_FORMATS.get(suffix)
    if fmt is None:
        fmt = _format_for_unknown_suffix(data, suffix, warnings)
    elif fmt in ("txt", "md") and sniff_format(data) == "html":
        # a web page saved as .txt: its markup is the table structure, which a text read would lose
        fmt = "html"
        warnings.append(f"{suffix} file holds an HTML page: read as html")
    result = _READERS[fmt](data, limits, fmt)
    result.warnings[:0] = warnings
    return result


def _format_for_unknown_suffix(data: bytes, suffix: str, warnings: list[str]) -> str:
    sniffed = sniff_format(data)
    if suffix == ".doc" and sniffed != "docx":
        if sniffed in ("html", None) and binary_kind(data) is None:
            pass   # Word "save as web page" .doc files are HTML or text: read them as such
        else:
            raise ReadError("the old binary .doc format is not supported: save it as .docx")
    if data.startswith(b"PK") and not is_docx_zip(data) and sniffed is None:
        raise ReadError(f"unsupported file: a ZIP archive that is not a Word .docx ({suffix or 'no suffix'})")
    fmt = sniffed or "txt"
    warnings.append(f"unknown suffix {suffix or '(none)'!r}: read as {fmt} (judged from the content)")
    return fmt


def _read_txt(data: bytes, limits: ReadLimits, fmt: str) -> ReadResult:
    from pipeline.read.text_reader import read_text
    return read_text(data, limits, fmt)


def _read_html(data: bytes, limits: ReadLimits, fmt: str) -> ReadResult:
    from pipeline.read.html_reader import read_html
    return read_html(data, limits)


def _read_docx(data: bytes, limits: ReadLimits, fmt: str) -> ReadResult:
    from pipeline.read.docx_reader import read_docx
    return read_docx(data, limits)


def _read_pdf(data: bytes, limits: ReadLimits, fmt: str) -> ReadResult:
    from pipeline.read.pdf_reader import read_pdf
    return read_pdf(data, limits)


_READERS = {"txt": _read_txt, "md": _read_txt, "html": _read_html, "docx": _read_docx, "pdf": _read_pdf}
