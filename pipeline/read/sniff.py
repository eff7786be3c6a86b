"""Recognise a file's real kind from its first bytes, whatever its suffix says.

Used twice: to pick a reader for an unknown suffix, and to refuse binary files that arrive
as .txt with a message that names what they really are.
"""
from __future__ import annotations

import io
import re
import zipfile

# (magic prefix, description). Checked in order; longer/more specific prefixes first.
BINARY_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document; name it .pdf"),
    (b"PK\x03\x04", "a ZIP archive or Office document (.docx/.xlsx)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Office file (.doc/.xls) or a password-protected Office document: save it as an unprotected .docx"),
    (b"{\\rtf", "an RTF document: save it as .docx"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
]

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|div|p)\b",
                         re.IGNORECASE | re.DOTALL)


def binary_kind(data: bytes) -> str | None:
    """Description of a known binary format the bytes start with, or None."""
    for magic, description in BINARY_MAGIC:
        if data.startswith(magic):
            # "MZ" and "BZh" are short enough to begin an ordinary Latin text; require a NUL
            # nearby before calling them executables/archives.
            if len(magic) < 4 and magic != b"\xff\xd8\xff" and b"\x00" not in data[:512]:
                continue
            return description
    return None


def is_docx_zip(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False


def sniff_format(data: bytes) -> str | None:
    """'docx', 'pdf' or 'html' when the content says so unambiguously; None otherwise (text or unknown)."""
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if is_docx_zip(data):
        return "docx"
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf",):
        head = head.removeprefix(bom)
    if _HTML_START.match(head):
        return "html"
    return None
