"""Decode the bytes of a text file (txt, md, html) and say which encoding they were in.

Order, most certain first: a byte-order mark; UTF-32/UTF-16 without a BOM (only files with
NUL bytes, recognised by where the NULs fall); strict UTF-8 (or UTF-8 with a few damaged
bytes, flagged); strict GB18030 (a superset of GBK and GB2312, so one name covers all three);
charset-normalizer as a last, flagged guess. Binary content is
refused with a ReadError rather than decoded into garbage. The BOM is removed; nothing else
in the text is changed (cleaning is a later stage).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.read.result import ReadError
from pipeline.read.sniff import binary_kind

# UTF-32 BOMs first: the UTF-32-LE BOM begins with the UTF-16-LE one.
BOMS: list[tuple[bytes, str, str]] = [
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
]

# Control characters that ordinary text files contain; any other C0/C1 control is a binary sign.
TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file marker some old editors append
MAX_CONTROL_SHARE = 0.02
# C0/C1 controls except \t \n \v \f \r and \x1a (kept in sync with TEXT_CONTROLS).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
# The plausibility test needs unicodedata per character; a prefix is enough to judge a decoding.
PLAUSIBILITY_SAMPLE = 200_000
# Share of "reasonable" characters a BOM-less UTF-16/32 decoding must reach to be believed.
MIN_PLAUSIBLE_SHARE = 0.95


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_text(data: bytes) -> Decoded:
    """Decode text bytes; ReadError for binary or undecodable content."""
    decoded = _decode_with_bom(data)
    if decoded is None:
        kind = binary_kind(data)
        if kind:
            raise ReadError(f"binary file ({kind})")
        decoded = _decode_wide_without_bom(data) if b"\x00" in data else None
        if decoded is None and b"\x00" in data:
            decoded = _decode_with_stray_nuls(data)
        elif decoded is None:
            decoded = _decode_narrow(data)
    decoded.warnings.extend(stray_control_warnings(decoded.text))
    return decoded


def _decode_with_bom(data: bytes) -> Decoded | None:
    for bom, codec, family in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            plain_codec = "utf-8" if codec == "utf-8-sig" else codec
            try:
                return Decoded(body.decode(plain_codec), codec)
            except UnicodeDecodeError as error:
                raise ReadError(f"undecodable text: the file starts with a {family} byte-order mark "
                                f"but byte {error.start + len(bom)} is not valid {family}") from None
    return None


def _decode_wide_without_bom(data: bytes) -> Decoded | None:
    """UTF-32/UTF-16 without BOM: ASCII characters (digits, spaces, newlines) put NULs on one side."""
    candidates: list[str] = []
    if len(data) % 4 == 0:
        candidates += ["utf-32-le", "utf-32-be"]
    if len(data) % 2 == 0:
        nul_even = sum(1 for b in data[0::2] if b == 0)
        nul_odd = sum(1 for b in data[1::2] if b == 0)
        # Little-endian ASCII is "41 00": NULs at odd positions. CJK characters like U+4E00
        # put a NUL on the other side, but far more rarely than digits and newlines do.
        if nul_odd > 2 * nul_even:
            candidates.append("utf-16-le")
        if nul_even > 2 * nul_odd:
            candidates.append("utf-16-be")
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _plausible_share(text) >= MIN_PLAUSIBLE_SHARE:
            return Decoded(text, codec, [f"no byte-order mark: read as {codec} (recognised from the NUL-byte pattern)"])
    return None


def _decode_with_stray_nuls(data: bytes) -> Decoded:
    """A few NULs in an otherwise clean UTF-8 or GB18030 text (a bad copy, a padded export):
    decoded with the NULs in place, which the cleaner removes. Anything less certain is binary."""
    binary = ReadError("binary file (contains NUL bytes and is not UTF-16/UTF-32 text)")
    if data.count(0) > MAX_CONTROL_SHARE * len(data):
        raise binary
    try:
        without = _decode_narrow(data.replace(b"\x00", b""))
    except ReadError:
        raise binary from None
    if without.warnings or without.encoding not in ("utf-8", "gb18030"):
        raise binary   # only a damaged or guessed decoding fits: no text to trust
    try:
        return Decoded(data.decode(without.encoding), without.encoding)
    except UnicodeDecodeError:
        raise binary from None


def _decode_narrow(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        # A UTF-8 file cut in the middle of its last character (a truncated download/copy) is
        # still UTF-8; decoding it as GB18030 would turn every character into mojibake.
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            text = data[:error.start].decode("utf-8")
            return Decoded(text, "utf-8", [f"file ends in the middle of a UTF-8 character "
                                           f"(truncated?): the last {len(data) - error.start} byte(s) dropped"])
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        # GB18030 accepts most byte soup; private-use or unassigned characters mean it was not GB text.
        if _plausible_share(text) >= 0.99:
            return Decoded(text, "gb18030")
    return _guess_with_charset_normalizer(data)


def _mostly_utf8(data: bytes) -> Decoded | None:
    """A UTF-8 file with a few damaged bytes: keep it UTF-8 (damage replaced, with a warning)
    rather than let GB18030 turn every character into mojibake. GBK text almost never forms
    valid UTF-8 multi-byte sequences, so it does not pass this test."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) >= 0x80) - damaged
    if damaged and multibyte >= 10 * damaged:
        return Decoded(text, "utf-8", [f"{damaged} invalid UTF-8 byte sequence(s) replaced by U+FFFD"])
    return None


def _guess_with_charset_normalizer(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes  # imported late: only needed for odd files

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("undecodable text: not UTF-8, UTF-16, UTF-32 or GB18030/GBK, "
                        "and no other encoding fits")
    text = str(best)
    if not _believable_guess(best.encoding, text):
        raise ReadError(f"undecodable text: not UTF-8, UTF-16, UTF-32 or GB18030/GBK "
                        f"(the closest guess, {best.encoding}, gives unreadable text)")
    return Decoded(text, best.encoding, [f"encoding guessed as {best.encoding} by charset-normalizer "
                                         "(not UTF-8/UTF-16/GB18030): check the text"])


# Multi-byte encodings a document in Chinese (or a neighbour script) may really be in.
CJK_GUESSES = {"big5", "big5hkscs", "cp950", "euc_jp", "shift_jis", "cp932", "euc_kr", "cp949",
               "johab", "hz", "iso2022_jp", "iso2022_kr", "gb2312", "gbk", "gb18030"}
# A single-byte (Western/Cyrillic/EBCDIC...) guess is only believed for mostly-ASCII text:
# charset-normalizer will otherwise "decode" any byte soup into some code page.
MIN_ASCII_SHARE_FOR_SINGLE_BYTE = 0.5


def _believable_guess(encoding: str, text: str) -> bool:
    if _plausible_share(text) < MIN_PLAUSIBLE_SHARE or not any(ch.isalnum() for ch in text):
        return False
    if encoding in CJK_GUESSES:
        return True
    if encoding.startswith(("utf_16", "utf_32")):
        return False   # UTF-16/32 text always has a BOM or NULs, both handled before guessing
    ascii_share = sum(1 for ch in text if ord(ch) < 0x80) / len(text)
    return ascii_share >= MIN_ASCII_SHARE_FOR_SINGLE_BYTE


def _plausible_share(text: str) -> float:
    """Share of characters that can appear in a real document (not controls, unassigned, private use)."""
    sample = text[:PLAUSIBILITY_SAMPLE]
    if not sample:
        return 1.0
    bad = sum(1 for ch in sample
              if ch not in TEXT_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))
    return 1.0 - bad / len(sample)


def stray_control_warnings(text: str) -> list[str]:
    """A text with a few stray control characters (NULs from a bad copy, a form feed) is still
    text: warn, and let the cleaner remove them (its offset map keeps spans traceable to the
    source). Beyond MAX_CONTROL_SHARE of the text it is binary: ReadError."""
    found = _BINARY_CONTROL.findall(text)
    if not found:
        return []
    if len(found) > MAX_CONTROL_SHARE * len(text):
        raise ReadError(f"binary file ({len(found)} control characters in {len(text)})")
    kinds = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(set(found))[:5])
    return [f"{len(found)} stray control character(s) ({kinds}) removed from the text"]


# Labels HTML pages declare for Chinese text; GB18030 decodes all of them (it is their superset).
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "gb_2312-80", "csgb2312"}


def decode_declared(data: bytes, declared: str) -> Decoded | None:
    """Decode with the charset a document declares; None when it is unknown or does not fit."""
    import codecs

    name = declared.strip().lower()
    codec = "gb18030" if name in _GB_FAMILY else name
    try:
        codec = codecs.lookup(codec).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return None   # a page that declares UTF-16 in ASCII is not UTF-16: let detection decide
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return Decoded(text, "utf-8" if codec == "utf-8" else codec, stray_control_warnings(text))
