"""Render a plain-text report to a text-layer PDF the way an office suite prints it, for the
PDF reflow tests: paragraphs wrap at the page width (anywhere inside Chinese text), tab rows
become a table with columns at fixed positions (ruled or not), a one-cell-per-line table
(「\tcell」 lines, a blank line between rows: Word's text export of a table) is printed as the
ruled table it was, every other line is a line.

Needs a CJK TrueType font from Debian (fonts-wqy-microhei / fonts-wqy-zenhei /
fonts-noto-cjk, installed by `make install` where apt-get works); font_path() is None when
none is installed, and the tests skip with a message saying so.
"""
from __future__ import annotations

import io
from pathlib import Path

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
]
FONT_MISSING = ("no CJK TrueType font from Debian installed (fonts-wqy-microhei, fonts-wqy-zenhei or "
                "fonts-noto-cjk): run `make install` as root, or apt-get install fonts-wqy-microhei")


def font_path() -> tuple[str, int] | None:
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    return None


def render_pdf(text: str, ruled: bool = False, font_size: float = 10.5, width_chars: int = 34) -> bytes:
    """One page per ~60 lines; paragraphs wrap at width_chars full-width characters."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    found = font_path()
    if found is None:
        raise RuntimeError(FONT_MISSING)
    path, index = found
    if "cjk" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("cjk", path, subfontIndex=index))
    page_w, page_h = A4
    left, top, leading = 60.0, 60.0, font_size * 1.6
    line_width = width_chars * font_size
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setFont("cjk", font_size)
    y = page_h - top

    def width(s: str) -> float:
        return pdfmetrics.stringWidth(s, "cjk", font_size)

    def new_line() -> None:
        nonlocal y
        y -= leading
        if y < top:
            sheet.showPage()
            sheet.setFont("cjk", font_size)
            y = page_h - top

    def draw_table(block: list[list[str]], ruled: bool) -> None:
        n_cols = max(len(r) for r in block)
        col_w = [max((width(r[c]) if c < len(r) else 0) for r in block) + font_size * 1.5 for c in range(n_cols)]
        for row in block:
            x = left
            for c in range(n_cols):
                cell = row[c] if c < len(row) else ""
                sheet.drawString(x + 3, y, cell)
                if ruled:
                    sheet.rect(x, y - leading * 0.3, col_w[c], leading, stroke=1, fill=0)
                x += col_w[c]
            new_line()

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t") and "\t" not in line[1:]:
            rows: list[list[str]] = []
            while i < len(lines) and lines[i].startswith("\t") and "\t" not in lines[i][1:]:
                row = []
                while i < len(lines) and lines[i].startswith("\t") and "\t" not in lines[i][1:]:
                    row.append(lines[i][1:].strip())
                    i += 1
                rows.append(row)
                if i + 1 < len(lines) and not lines[i].strip() and lines[i + 1].startswith("\t"):
                    i += 1
            draw_table(rows, ruled=True)
            continue
        if "\t" in line:
            block = []
            while i < len(lines) and "\t" in lines[i]:
                block.append(lines[i].split("\t"))
                i += 1
            draw_table(block, ruled)
            continue
        i += 1
        if not line.strip():
            new_line()
            continue
        chunk = ""
        for ch in line:
            if width(chunk + ch) > line_width:
                sheet.drawString(left, y, chunk)
                new_line()
                chunk = ""
            chunk += ch
        sheet.drawString(left, y, chunk)
        new_line()
    sheet.save()
    return buffer.getvalue()
