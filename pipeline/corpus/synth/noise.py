"""Reader noise of the kind real archives carry, drawn per document.

Noise is applied while a layout writes plain text and table cells, never inside
a span's boundaries (spans may only see full-width digits, which the cleaner maps
one for one), so span offsets stay exact and survive pipeline.clean. One exception,
as real PDF conversions have it: a long cell whose wrapped lines a reader spread
over several columns carries tabs inside its spans (``wrap_cell``).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from pipeline.corpus.synth.builder import Fragment, Piece

# Letters of scripts a Chinese report never uses: OCR garbage the cleaner must drop.
_DEVANAGARI = [chr(c) for c in range(0x0915, 0x0939)]
_HEBREW = [chr(c) for c in range(0x05D0, 0x05EA)]
_SYMBOLS = ["•", "·", "■", "□", "_", "—", "~", "*", "※", "▲", "◆", "…", "¬", "°"]
_FULLWIDTH = {str(i): chr(0xFF10 + i) for i in range(10)}
_DECIMAL = re.compile(r"(\d)\.(\d)")


@dataclass
class Noise:
    rng: random.Random
    ocr_spaces: bool = False       # 1609. 99
    fullwidth: bool = False        # １２３
    garbage: bool = False          # stray symbol / foreign-letter lines
    html: bool = False             # <p>…</p>, <b>, <sup>
    yuan_tables: bool = False      # tables state 元 instead of 万元
    broken_cells: bool = False     # a cell's text split over two cells
    heading_typos: bool = False    # a heading missing a character
    bookmark: bool = False         # [bookmark: _GoBack]
    wrapped_cells: bool = False    # a long cell's lines spread over tab-separated columns
    halfwidth_punct: int = 0       # 1: narrative commas and semicolons as ASCII (「,」「;」), as some converters write
                                   # them; 2: full stops, colons and brackets too (「.」「:」「()」)
    pdf_lines: int = 0             # paragraphs broken into lines of this many characters, as PDF text extraction leaves them

    @classmethod
    def draw(cls, rng: random.Random, level: float = 1.0) -> "Noise":
        p = lambda x: rng.random() < x * level  # noqa: E731
        return cls(rng, ocr_spaces=p(0.25), fullwidth=p(0.15), garbage=p(0.3), html=p(0.25), yuan_tables=p(0.12),
                   broken_cells=p(0.3), heading_typos=p(0.2), bookmark=p(0.2),
                   wrapped_cells=p(0.2), halfwidth_punct=rng.choice((1, 1, 2)) if p(0.15) else 0,
                   pdf_lines=rng.randint(24, 40) if p(0.15) else 0)

    def active(self) -> list[str]:
        return [k for k in ("ocr_spaces", "fullwidth", "garbage", "html", "yuan_tables", "broken_cells",
                            "heading_typos", "bookmark", "wrapped_cells", "halfwidth_punct", "pdf_lines")
                if getattr(self, k)]

    def number(self, text: str) -> str:
        """A number as a noisy reader may render it."""
        if self.ocr_spaces and self.rng.random() < 0.3:
            text = _DECIMAL.sub(r"\1. \2", text, count=1)
        if self.fullwidth and self.rng.random() < 0.25:
            text = "".join(_FULLWIDTH.get(ch, ch) for ch in text)
        return text

    def digits_in_span(self, text: str) -> str:
        """Full-width digits are the only noise allowed inside a span."""
        if self.fullwidth and self.rng.random() < 0.15:
            return "".join(_FULLWIDTH.get(ch, ch) for ch in text)
        return text

    def heading(self, text: str) -> str:
        if self.heading_typos and len(text) > 4 and self.rng.random() < 0.25:
            i = self.rng.randrange(1, len(text) - 1)
            return text[:i] + text[i + 1:]
        if self.html and self.rng.random() < 0.15:
            return f"<b>{text}</b>"
        return text

    def garbage_line(self) -> str | None:
        if not self.garbage or self.rng.random() > 0.25:
            return None
        r = self.rng.random()
        if r < 0.4:
            return " ".join(self.rng.choice(_SYMBOLS) for _ in range(self.rng.randint(1, 4)))
        letters = _DEVANAGARI if r < 0.7 else _HEBREW
        return "".join(self.rng.choice(letters) for _ in range(self.rng.randint(2, 6)))

    def paragraph_wrap(self) -> tuple[str, str]:
        """Markup around a paragraph (never inside a span)."""
        if self.html and self.rng.random() < 0.4:
            return "<p>", "</p>"
        return "", ""

    def line_prefix(self) -> str:
        if self.bookmark and self.rng.random() < 0.05:
            self.bookmark = self.rng.random() < 0.3  # rarely more than once
            return "[bookmark: _GoBack]"
        return ""

    def punctuation(self, frag: Fragment) -> Fragment:
        """Narrative with ASCII commas and semicolons, spans included (one character for one,
        so a span keeps its extent); a semicolon is sometimes followed by a space."""
        if not self.halfwidth_punct:
            return frag
        semi = "; " if self.rng.random() < 0.5 else ";"
        table = str.maketrans({"，": ",", "；": ";"} if self.halfwidth_punct < 2 else
                              {"，": ",", "；": ";", "。": ".", "：": ":", "（": "(", "）": ")"})
        return [Piece(p.text.translate(table).replace(";", semi if p.label is None else ";"), p.label, p.key)
                for p in frag]

    def split_cell(self, text: str) -> list[str]:
        """A plain cell broken in two, as OCR'd forms do."""
        if self.broken_cells and len(text) >= 6 and self.rng.random() < 0.12:
            if re.fullmatch(r"[\d,.]+%?", text):  # a figure, percentages included
                # readers break a figure before its decimal point (「14596\t.83」), which the
                # cleaner rejoins; a cut between digits would change the number
                i = text.find(".")
                return [text[:i], text[i:]] if i > 0 else [text]
            i = self.rng.randrange(2, len(text) - 2)
            # nor inside a count before its unit (「1412人次」 → 「141 | 2人次」 reads another number)
            while i < len(text) - 1 and text[i - 1] in _NUMBER_CHARS and text[i] in _NUMBER_CHARS:
                i += 1
            return [text[:i], text[i:]]
        return [text]

    def wrap_cell(self, frag: Fragment) -> Fragment:
        """A narrative cell as a PDF reader spreads its wrapped lines: a tab after every
        ``width`` characters (the column width), inside spans too; the spans keep their labels.
        A tab that falls at a piece's end goes between pieces, so no span ends with one; one that
        falls inside a number waits for its end, as break_lines does (the cleaner would join
        「72\t.31%」 back, and the span's words would not be the words trained on)."""
        if not self.wrapped_cells or self.rng.random() > 0.6:
            return frag
        width = self.rng.randint(6, 12)
        out: Fragment = []
        col = 0
        for piece in frag:
            chars: list[str] = []
            for i, ch in enumerate(piece.text):
                chars.append(ch)
                col += 1
                if (col >= width and i + 1 < len(piece.text)
                        and not (ch in _NUMBER_CHARS and piece.text[i + 1] in _NUMBER_CHARS)):
                    chars.append("\t")
                    col = 0
            out.append(Piece("".join(chars), piece.label, piece.key))
            if col >= width:
                out.append(Piece("\t"))
                col = 0
        return out


_EDGE_PUNCT = "，。；：、,;:"
_NUMBER_CHARS = set("0123456789.,０１２３４５６７８９")
_NO_LINE_START = set("，。；：、,;:！？）”》")


def _labelled(text: str, label: str | None, key: str | None) -> Fragment:
    """One line's piece of a span: punctuation at its edges stays outside (labels.md)."""
    core = text.strip(_EDGE_PUNCT)
    if label is None or not core:
        return [Piece(text)] if text else []
    i = text.index(core)
    return [p for p in (Piece(text[:i]), Piece(core, label, key), Piece(text[i + len(core):])) if p.text]


def break_lines(frag: Fragment, width: int, column: int = 0) -> Fragment:
    """A paragraph as PDF text extraction leaves it: a line break after every ``width``
    characters, inside spans too. Each line's piece of a span is its own span with the
    span's label (the development set's convention); the key stays with the first piece."""
    out: Fragment = []
    for piece in frag:
        rest, key = piece.text, piece.key
        while rest:
            room = max(1, width - column)
            while room < len(rest) and rest[room - 1] in _NUMBER_CHARS and rest[room] in _NUMBER_CHARS:
                room += 1  # a figure stays on one line (a reader keeps a number's glyphs together)
            while room < len(rest) and rest[room] in _NO_LINE_START:
                room += 1  # Chinese typesetting hangs closing punctuation on the line before
            head, rest = rest[:room], rest[room:]
            out += _labelled(head, piece.label, key)
            if piece.label and head.strip(_EDGE_PUNCT):
                key = None
            column += len(head)
            if column >= width and (rest or piece is not frag[-1]):
                out.append(Piece("\n"))
                column = 0
    return out
