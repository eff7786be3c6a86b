"""Cleaning with an offset map.

Turns the text a reader produced (the *source* text) into the record's ``text``
and keeps, for every cleaned character, the index of the source character it
came from, so any span can be traced back to the original file.

Every pass is a list of edits ``(start, end, replacement)`` with
``len(replacement) <= end - start``; replacement character k maps to source
index ``start + k``. The map therefore stays monotonic, which is what makes the
reverse lookup (source offset → cleaned offset) a binary search.

The passes, in order, and why:
1. line endings → ``\\n`` (readers and the Label Studio browser disagree on ``\\r``);
2. markup the seeds carry: HTML tags (the gap between two table cells becomes a tab), ``[bookmark: …]``, markdown heading marks
   (their level is kept as a heading hint), HTML entities;
3. character normalisation, one for one: full-width digits and Latin letters (the record's
   text keeps those the report printed, ``printed_widths``: the stages read the narrowed text),
   NBSP/ideographic spaces inside numbers, zero-width characters and stray control
   characters (NUL, DEL, C1; the reader warns about them) dropped; an ASCII full stop that
   ends a sentence of Chinese prose becomes 「。」 (so sentences end where the tagger's rules and
   the linker look for an end);
4. OCR spacing inside numbers: ``1609. 99`` → ``1609.99``, ``1 286. 4`` → ``1286.4``,
   ``5 ,2 8 1 . 0 5`` → ``5,281.05``, ``9 8 . 2 5`` → ``98.25``, a letter-spaced count before its
   measure word ``受理6 1 2件`` → ``受理612件`` (not after 第: items); the letter O inside a number
   → 0 (``2O24``);
5. OCR garbage: runs of letters from scripts a Chinese report never uses
   (Devanagari, Hebrew, Arabic, …) and lines that hold nothing but stray symbols;
6. page furniture: page-number lines (「－ 3 －」「第 3 页 共 5 页」) with the running header next
   to them and the blank lines around them, so that a sentence the page broke reads on
   (「培训经费年度执\n行率为72.5%」 instead of the page's footer and header in between);
7. trailing spaces at line ends (tabs are kept: they delimit table cells).

The cleaner is idempotent: cleaning a cleaned text changes nothing. That lets
Label Studio tasks (whose text is already clean) go through the same path.
"""
from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

import numpy as np

from pipeline.lexicon import PAGE_NUMBER, hanzi_count

Edit = tuple[int, int, str]


@dataclass
class OffsetMap:
    """Cleaned index ⇄ source index. ``to_source`` has len(text)+1 entries."""
    to_source_arr: np.ndarray
    source_len: int

    def to_source(self, i: int) -> int:
        return int(self.to_source_arr[min(max(i, 0), len(self.to_source_arr) - 1)])

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end - 1) + 1

    def span_to_clean(self, start: int, end: int) -> tuple[int, int]:
        """The cleaned span covering what survives of source [start, end)."""
        arr = self.to_source_arr[:-1]
        cs = int(np.searchsorted(arr, start, side="left"))
        ce = int(np.searchsorted(arr, end - 1, side="right")) if end > start else cs
        return cs, max(cs, ce)

    def runs(self) -> list[tuple[int, int, int]]:
        """Compressed form for the record: [clean_start, source_start, length] runs."""
        arr = self.to_source_arr[:-1]
        if len(arr) == 0:
            return []
        # the breaks as a list: a report has a few runs, and each numpy call on them (concatenate,
        # a scalar per int()) cost more than the arithmetic (every document asks once)
        breaks = (np.flatnonzero(arr[1:] - arr[:-1] != 1) + 1).tolist()
        starts = [0] + breaks
        lengths = [e - s for s, e in zip(starts, breaks + [len(arr)])]
        return list(zip(starts, arr[starts].tolist(), lengths))

    @classmethod
    def from_runs(cls, runs: list[tuple[int, int, int]], text_len: int, source_len: int) -> "OffsetMap":
        arr = np.empty(text_len + 1, dtype=np.int64)
        for cs, ss, n in runs:
            arr[cs:cs + n] = np.arange(ss, ss + n)
        arr[text_len] = source_len
        return cls(arr, source_len)

    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        return cls(np.arange(n + 1, dtype=np.int64), n)


@dataclass
class Cleaned:
    text: str
    offsets: OffsetMap
    # (offset of a line in text, markdown heading level) for lines that carried `#` marks
    heading_hints: list[tuple[int, int]] = field(default_factory=list)


def _apply(text: str, idx: np.ndarray, edits: list[Edit]) -> tuple[str, np.ndarray]:
    """Apply sorted, non-overlapping edits to text and its index array (which may run past the
    text's end: entries there stay with the text's tail)."""
    if not edits:
        return text, idx
    parts: list[str] = []
    idx_parts: list[np.ndarray] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:  # overlapping edit: the earlier one wins
            continue
        parts.append(text[pos:start])
        idx_parts.append(idx[pos:start])
        if repl:
            parts.append(repl)
            idx_parts.append(idx[start:start + len(repl)])
        pos = end
    parts.append(text[pos:])
    idx_parts.append(idx[pos:])
    return "".join(parts), np.concatenate(idx_parts)


def _regex_edits(pattern: re.Pattern, text: str, repl) -> list[Edit]:
    edits = []
    for m in pattern.finditer(text):
        r = repl(m) if callable(repl) else repl
        if r != m.group(0):
            edits.append((m.start(), m.end(), r))
    return edits


# --- pass 1: line endings
_CRLF = re.compile(r"\r\n?")

# --- pass 2: markup
# HTML table cells pasted into a text file: 「<td>100</td><td>87.65</td>」 are two cells, not
# 「10087.65」; the gap between two cells becomes a tab (table layout "tabs")
_CELL_GAP = re.compile(r"</t[dh]>[ \t]*<t[dh]\b[^<>\n]{0,200}?>", re.I)
_TAG = re.compile(r"</?(?:p|b|i|u|em|strong|sup|sub|span|div|font|br|td|tr|th|table|tbody|thead|h[1-6]|li|ul|ol|a|img|hr|s|strike|del|ins|mark|small|big)\b[^<>\n]{0,200}?/?>", re.I)
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+", re.M)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")

# --- pass 3: one-for-one character normalisation
_CHAR_MAP = {chr(0xFF10 + i): str(i) for i in range(10)}
_CHAR_MAP.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_CHAR_MAP.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_CHAR_MAP.update({"\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
                  "％": "%", "\x0b": "\n", "\x0c": "\n"})
_CHAR_RE = re.compile("[" + "".join(re.escape(c) for c in _CHAR_MAP) + "]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The patterns below that look back at a digit or a cell start with the character they
# consume and check behind it afterwards: a pattern that opens with a lookbehind is tried at
# every offset, one that opens with a character set is not (4-8x faster). Same matches as the
# compact forms kept in tests/structure/test_clean_patterns.py.
_FW_DOT = re.compile(r"[．。](?<=\d[．。])(?=\d)")
# its matches in a text without a full-width point (nearly every text): re searches for one literal
# far faster than for either character of a set
_FW_DOT_STOP = re.compile(r"。(?<=\d。)(?=\d)")

# An ASCII full stop that ends a sentence of Chinese prose (some converters write 「.」 for 「。」)
# is the ideographic one: after a hanzi, a closing quote or bracket or a percent sign (a decimal
# point never follows one: 「完成率87.52%.其中」), before a hanzi, an opening quote or bracket, a line
# end or the text's end. Never after a digit or a Latin letter (1.5, No.), and never after a
# heading's numeral alone on its line start (「一.总体情况」).
_PROSE_STOP = re.compile(r'\.(?<=[\u4e00-\u9fff”’」』）)"%]\.)(?=[\u4e00-\u9fff“‘「『（(\n]|$)')
_NUMERAL_HEAD = re.compile(r"[ \t\u3000]*[（(第]?[一二三四五六七八九十百]{1,3}[）)]?")


def _prose_stop_edits(text: str) -> list[Edit]:
    edits = []
    for m in _PROSE_STOP.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not _NUMERAL_HEAD.fullmatch(text, line_start, m.start()):
            edits.append((m.start(), m.end(), "。"))
    return edits


# --- pass 4: OCR spacing in numbers
_DEC_SPACE = re.compile(r"([.．])(?<=\d[.．])[ \u3000]+(?=\d{1,2}(?!\d))")
_DEC_SPACE_POINT = re.compile(r"(\.)(?<=\d\.)[ \u3000]+(?=\d{1,2}(?!\d))")   # its matches without 「．」, literal-led
# a number broken across two table cells: 「14596\t.83」
_SPLIT_DECIMAL = re.compile(r"\t(?<=\d\t)\t*(?=[.．]\d)")
# digit by digit: 「5 ,2 8 1 . 0 5万元」「9 8 . 2 5分」 (OCR of a letter-spaced number); joined only
# where the result is one well-formed number, so two numbers side by side (「1.5 2.5」) stay apart;
# each space is removed on its own, so every digit keeps its own source offset
_SPACED_DIGITS = re.compile(r"\d(?<!\d\d)(?:(?: ?[,.．] ?| )\d)+(?!\d)")
_WELL_FORMED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# the letter O read for a zero inside a number: 「2O24年」
_LETTER_ZERO = re.compile(r"[Oo](?<=\d[Oo])(?=\d)")
_THOUSANDS_SPACE = re.compile(r"(\d(?<![\d.,]\d)\d{0,2}) (?=\d{3}(?:\.\d|万|元|%))")
# a space of a letter-spaced or a thousands-spaced number has a digit or a separator on either
# side: a text without such a space has nothing for either pass
_SPACE_IN_FIGURE = re.compile(r"[\d,.．] [\d,.．]")

# --- pass 5: OCR garbage. Scripts that never occur in a Chinese report, plus their marks.
_FOREIGN = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0900-\u097f\u0980-\u09ff\u0a00-\u0dff"
    "\u0e00-\u0e7f\u0f00-\u0fff\u10a0-\u10ff\u1200-\u137f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]+"
)
# any character one of the character passes (zero-width and control characters, the one-for-one
# map, foreign scripts) finds: one scan, and a text without one (nearly every text) skips the three
_ODD_CHAR = re.compile("[" + _ZERO_WIDTH.pattern[1:-1] + _CHAR_RE.pattern[1:-1] + _FOREIGN.pattern[1:-2] + "]")
_SYMBOL_LINE = re.compile(r"^[ \u3000]*[^\t\n|\w\u3400-\u9fff]{1,40}[ \u3000]*$", re.M)
_SYMBOL_LINE_AFTER_BREAK = re.compile(r"\n([ \u3000]*[^\t\n|\w\u3400-\u9fff]{1,40}[ \u3000]*)$", re.M)   # (_whole_lines)
# A lone Latin letter glued to the front of a Chinese table cell is an OCR misread of a stroke.
_OCR_LETTER = re.compile(r"[A-Za-z](?<=[\u4e00-\u9fff]\t[A-Za-z])(?=[\u4e00-\u9fff])")
_TAB_LETTER = re.compile(r"\t[A-Za-z]")   # what _OCR_LETTER needs, found from the tabs (literal-led)
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")

# --- pass 6: page furniture
# a running header repeats the report's name: short, names the report, no sentence punctuation
_RUNNING_HEADER = re.compile(r"^[^\t。；，,：:]{4,50}(?:报告|自评表|评价表)[ \u3000]*$")


# a line that is a page number, found by one scan of the text (most texts have none or a few) in
# place of a fullmatch per line; PAGE_NUMBER matches no line break, so a match stays on its line
_PAGE_NUMBER_LINE = re.compile(rf"^(?:{PAGE_NUMBER.pattern})$", re.M)
_PAGE_NUMBER_LINE_AFTER_BREAK = re.compile(rf"\n({PAGE_NUMBER.pattern})$", re.M)   # (_whole_lines)


def _whole_lines(line: re.Pattern, after_break: re.Pattern, text: str) -> list[tuple[int, int]]:
    """[m.span() for m in line.finditer(text)], for a pattern 「(?m)^…$」 whose matches hold no line
    break and no empty line (so each is a whole line): the first line matched where it starts, every
    other from the line break before it (after_break: 「(?m)\\n(…)$」, the line in group 1). re searches
    for the literal line break; a pattern that starts with ^ is tried at every character of the text."""
    first = line.match(text)
    return ([first.span()] if first else []) + [m.span(1) for m in after_break.finditer(text)]


def _page_furniture(text: str) -> list[Edit]:
    """Regions of page-number lines, the running headers beside them and the blank lines
    around them, each replaced by one line break."""
    pages = [start for start, _ in _whole_lines(_PAGE_NUMBER_LINE, _PAGE_NUMBER_LINE_AFTER_BREAK, text)]
    if not pages:
        return []
    lines = text.split("\n")
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    furniture = [False] * len(lines)
    for at in pages:
        furniture[bisect.bisect_right(starts, at) - 1] = True
    marked = list(furniture)
    for k, is_page in enumerate(furniture):
        if not is_page:
            continue
        for step in (-1, 1):   # the running header sits next to the page number, blank lines between
            j = k + step
            while 0 <= j < len(lines) and (not lines[j].strip() or furniture[j]):
                j += step
            if 0 <= j < len(lines) and _RUNNING_HEADER.match(lines[j].strip()) and j > 2:
                marked[j] = True
    edits: list[Edit] = []
    k = 0
    while k < len(lines):
        if not marked[k]:
            k += 1
            continue
        a = k
        while a > 0 and not lines[a - 1].strip():
            a -= 1
        b = k
        while b + 1 < len(lines) and (marked[b + 1] or not lines[b + 1].strip()):
            b += 1
        if a == 0 or b + 1 >= len(lines):
            k = b + 1
            continue   # at the document's edge: nothing to join
        # from the line break ending the line before the region to the one ending the region
        edits.append((starts[a] - 1, starts[b] + len(lines[b]) + 1, "\n"))
        k = b + 1
    return edits


# --- pass 7: trailing spaces (not tabs)
_TRAILING = re.compile(r"[ \u3000][ \u3000]*$", re.M)   # 「[ \u3000]+$」 starting with its character set


def _between_word_and_measure(text: str, m: re.Match) -> bool:
    """A word before the number that is no ordinal (第1 2 3 4项 may be four items) and its
    measure word right after it (受理6 1 2件)."""
    before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
    return before != "第" and hanzi_count(before) == 1 and hanzi_count(after) == 1


def _spaced_digit_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    if " " not in text:
        return edits   # nothing letter-spaced (and most numbers the pattern finds have no space)
    for m in _SPACED_DIGITS.finditer(text):
        spaces = m.group(0).count(" ")
        if not spaces:
            continue
        joined = m.group(0).replace(" ", "").replace("．", ".")
        digits = sum(c.isdigit() for c in joined)
        # letter-spacing puts a space after nearly every digit, a row of separate figures does not;
        # digits without a separator (then one digit a group: spaces >= digits - 1) stay apart unless
        # they stand between a word and its measure word (受理6 1 2件, and a two-digit count 讲座5 3场:
        # one space); a number with a separator needs two spaces at least
        between = _between_word_and_measure(text, m)
        if spaces >= max(1 if between else 2, digits - 1) and (between or any(c in joined for c in ",.")) \
                and _WELL_FORMED.fullmatch(joined):
            edits.extend((m.start() + k, m.start() + k + 1, "") for k, ch in enumerate(m.group(0)) if ch == " ")
    return edits


def _entity_repl(m: re.Match) -> str:
    out = html.unescape(m.group(0))
    return out if len(out) <= len(m.group(0)) and out != m.group(0) else m.group(0)


def clean_text(source: str) -> Cleaned:
    """Clean a reader's text; see the module docstring for the passes."""
    text = source
    idx = np.arange(len(source) + 1, dtype=np.int64)
    # idx carries one extra sentinel (the end) that the edits never touch: it rides along with
    # the text's tail. A pass without edits copies nothing (most passes find nothing to do, and
    # a copy of idx is 8 bytes per character of the text).

    def run(edits: list[Edit]) -> None:
        nonlocal text, idx
        text, idx = _apply(text, idx, edits)

    # A pass whose pattern needs a character or a word ('\r', '<', '[bookmark:', '#', '&', a space,
    # a tab, the letter O) runs only on a text that has one (checked on the text as the passes before
    # left it): these patterns are tried at every character (they start with a character set,
    # ignore case or anchor at a line start) or searched for, and most texts have nothing for most.
    if "\r" in text:
        run(_regex_edits(_CRLF, text, "\n"))
    if "<" in text:
        run(_regex_edits(_CELL_GAP, text, "\t"))
        run(_regex_edits(_TAG, text, lambda m: " " if m.group(0).lower().startswith("<br") else ""))
    if "[bookmark:" in text:
        run(_regex_edits(_BOOKMARK, text, ""))
    # markdown heading marks: remember, by source index, where each heading's words begin
    md_marks = []
    if "#" in text:
        md_marks = [(int(idx[m.end()]), len(m.group(1))) for m in _MD_HEADING.finditer(text)]
        run(_regex_edits(_MD_HEADING, text, ""))
    if "&" in text:
        run(_regex_edits(_ENTITY, text, _entity_repl))
    if _ODD_CHAR.search(text):
        run(_regex_edits(_ZERO_WIDTH, text, ""))
        run(_regex_edits(_CHAR_RE, text, lambda m: _CHAR_MAP[m.group(0)]))
        # foreign-script debris goes before the number passes: removing it can bring a split
        # decimal together (「0\t.क0」), which a later pass would otherwise only join on a second cleaning
        run(_regex_edits(_FOREIGN, text, ""))
    run(_regex_edits(_FW_DOT if "．" in text else _FW_DOT_STOP, text, "."))
    # The number passes below need a few characters that a plain substring search (or, for a
    # digit, a short pattern) finds far faster than their own patterns fail on every digit of a text
    # that has none: a decimal point before a space, a tab before a decimal point, a space between
    # digits or separators (where a letter-spaced or thousands-spaced number has its spaces), a tab
    # before an ASCII letter.
    if ". " in text or ".\u3000" in text or "． " in text or "．\u3000" in text:
        run(_regex_edits(_DEC_SPACE if "．" in text else _DEC_SPACE_POINT, text, lambda m: "."))
    if "\t." in text or "\t．" in text:
        run(_regex_edits(_SPLIT_DECIMAL, text, ""))
    if " " in text and _SPACE_IN_FIGURE.search(text):
        run(_regex_edits(_THOUSANDS_SPACE, text, lambda m: m.group(1)))
        run(_spaced_digit_edits(text))
    if "O" in text or "o" in text:
        run(_regex_edits(_LETTER_ZERO, text, "0"))
    if "\t" in text and _TAB_LETTER.search(text):
        run(_regex_edits(_OCR_LETTER, text, ""))
    run([(start, end + (1 if end < len(text) else 0), "")
         for start, end in _whole_lines(_SYMBOL_LINE, _SYMBOL_LINE_AFTER_BREAK, text)
         if (line := text[start:end]).strip() and not _MEANINGFUL.search(line)])
    run(_page_furniture(text))
    # (a space or an ideographic space at a line's end: before a line break or at the text's end)
    if " \n" in text or "\u3000\n" in text or text[-1:] in (" ", "\u3000"):
        run(_regex_edits(_TRAILING, text, ""))
    run(_prose_stop_edits(text))  # last: the passes before may bring a stop to a line's end

    offsets = OffsetMap(idx, len(source))
    hints = []
    for src_pos, level in md_marks:
        cs, _ = offsets.span_to_clean(src_pos, src_pos + 1)
        hints.append((text.rfind("\n", 0, cs) + 1, level))
    return Cleaned(text, offsets, hints)


# The full-width forms pass 3 narrows that a report prints as characters of its own (２０２３年,
# ９８．５％, ＡＢＣ): the record's text keeps them as printed (printed_widths), while every stage
# reads the narrowed text as its twin (pipeline.annotate.structure_text, as for traditional script)
_WIDE = 0xFEE0   # a full-width form's code point minus its ASCII character's (U+FF01-FF5E)


def is_full_width(ch: str) -> bool:
    """Whether ch is the full-width form of an ASCII character (U+FF01-FF5E)."""
    return "\uff01" <= ch <= "\uff5e"


# pass 3's full-width entries (digits, letters, ％), and ． where _FW_DOT narrows it
_NARROW_TABLE = str.maketrans({wide: narrow for wide, narrow in _CHAR_MAP.items() if is_full_width(wide)})
_NARROWED = re.compile("[" + "".join(wide for wide in _CHAR_MAP if is_full_width(wide)) + "．]")
_WIDE_DECIMAL_POINT = re.compile(r"．(?<=\d．)(?=\d)")


def narrow(text: str) -> str:
    """text with what printed_widths gives back narrowed again, as the cleaner narrows it (one for
    one): full-width digits, letters and ％, and ． between two digits (「1．坚持」 numbers an item
    and stays). For readers of a record's text: the tagger's twin (pipeline.script.reading_twin),
    the search index's terms. narrow(printed_widths(c, source)) == c.text."""
    text = text.translate(_NARROW_TABLE)
    return _WIDE_DECIMAL_POINT.sub(".", text) if "．" in text else text


def printed_widths(cleaned: Cleaned, source: str) -> str | None:
    """cleaned.text with each full-width digit, Latin letter, ％ and ． that the source printed
    and the cleaner narrowed put back (one for one: the same length and offsets); None when the
    source has none. What the cleaner corrected (a letter O read as 0, 。 between digits) stays
    corrected."""
    if cleaned.offsets is None or not _NARROWED.search(source):
        return None
    text = cleaned.text
    c = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    s = np.frombuffer(source.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    src = s[cleaned.offsets.to_source_arr[:len(c)]]
    back = (src >= 0xFF01) & (src <= 0xFF5E) & (src == c + _WIDE)
    if not back.any():
        return None
    out = c.copy()
    out[back] = src[back]
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
