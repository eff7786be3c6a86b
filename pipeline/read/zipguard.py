"""Refuse zip bombs before a .docx is handed to python-docx.

Declared member sizes are checked first (cheap). Declared sizes can lie, and python-docx
inflates a member in one call, so every member is then inflated once here in bounded chunks
and its real size compared with the declaration: what python-docx later reads is known to be
no larger than what was checked.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from pipeline.read.result import ReadError, ReadLimits, format_size

MAX_MEMBERS = 5000
# Small members compress absurdly well too (a run of spaces); only large ones can hurt.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")   # zip local file header, 30 bytes


def check_zip(data: bytes, limits: ReadLimits, what: str = ".docx") -> list[str]:
    """ReadError("corrupt .docx: …") for a broken zip or one that would unpack too large;
    otherwise the member names."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise ReadError(f"corrupt {what}: not a readable ZIP package ({error})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReadError(f"corrupt {what}: {len(infos)} members in the package (zip bomb?)")
        _check_declared(infos, limits, what)
        for info in infos:
            _check_real_size(data, info, limits, what)
        return [info.filename for info in infos]


def _check_declared(infos: list[zipfile.ZipInfo], limits: ReadLimits, what: str) -> None:
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise ReadError(f"corrupt {what}: it would unpack to {format_size(total)}, over the "
                        f"{format_size(limits.max_unzipped_bytes)} limit (zip bomb?)")
    for info in infos:
        if info.file_size >= RATIO_CHECK_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise ReadError(f"corrupt {what}: member {info.filename} is compressed {ratio:.0f}:1, "
                                f"over the {limits.max_compression_ratio:.0f}:1 limit (zip bomb?)")


def _check_real_size(data: bytes, info: zipfile.ZipInfo, limits: ReadLimits, what: str) -> None:
    if info.flag_bits & 0x1:
        raise ReadError(f"corrupt {what}: member {info.filename} is encrypted")
    if info.compress_type == zipfile.ZIP_STORED:
        return  # stored data is exactly compress_size bytes, already inside the file size limit
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ReadError(f"corrupt {what}: member {info.filename} uses compression method "
                        f"{info.compress_type}, which Word never writes")
    header = data[info.header_offset:info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise ReadError(f"corrupt {what}: member {info.filename} has no local header")
    *_, name_len, extra_len = _LOCAL_HEADER.unpack(header)
    start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
    compressed = data[start:start + info.compress_size]
    allowed = min(info.file_size, limits.max_unzipped_bytes)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    tail = compressed
    try:
        while not inflater.eof:
            chunk = inflater.decompress(tail, CHUNK)   # never more than CHUNK bytes in memory
            tail = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > allowed:
                raise ReadError(f"corrupt {what}: member {info.filename} unpacks to more than its "
                                f"declared {format_size(info.file_size)} (zip bomb?)")
            if not chunk and not tail:
                break   # truncated stream: python-docx reports it as corrupt
    except zlib.error as error:
        raise ReadError(f"corrupt {what}: member {info.filename} cannot be inflated ({error})") from None
