"""Write the static review site: ``index.html``, one page per document, local assets and charts.

Safe by construction: every page comes from a Jinja2 template with autoescaping on for all of
it (document text, ids, messages, attribute values), and carries a Content-Security-Policy that
allows scripts, styles and images from the site's own files only, so a report holding
``<script>`` or ``<img onerror=…>`` is shown as text and, were it ever emitted as markup, would
still not run. Label colours become a generated stylesheet (``assets/labels.css``), not inline
styles, because the policy forbids those too. Nothing refers to the network; the site opens
from disk.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipeline.labels import LabelSet, load_labels
from pipeline.view.charts import archive_charts, execution_rate
from pipeline.view.load import Loaded, load_records
from pipeline.view.page import PageBuilder

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'")
ASSETS = ("view.css", "view.js")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{3,8}$")
_UNSAFE_NAME = re.compile(r"[^\w.-]+")


@dataclass
class SiteReport:
    out: Path
    pages: int = 0
    unreadable: list[str] = field(default_factory=list)  # where, for entries that are not records
    duplicates: int = 0
    unplaced_spans: int = 0  # spans shown below the text because no element of it could hold them


def environment() -> Environment:
    return Environment(loader=PackageLoader("pipeline.view", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def labels_css(labels: LabelSet) -> str:
    """One rule per label from configs/labels.yaml; a colour that is not #hex falls back to grey."""
    rules = []
    for lab in labels.labels:
        color = lab.color if _COLOR.match(lab.color) else "#888888"
        name = re.sub(r"[^A-Za-z0-9_-]", "", lab.name)
        rules.append(f".lab-{name} {{ background: {color}2e; border-bottom: 2px solid {color}; }}\n"
                     f".swatch.lab-{name} {{ background: {color}; }}")
    return "\n".join(rules) + "\n"


def page_name(loaded: Loaded, used: set[str]) -> str:
    rec = loaded.record
    stem = Path(rec.source.path).stem if rec and rec.source.path else "document"
    base = (_UNSAFE_NAME.sub("_", stem)[:60] or "document") + (f"-{_UNSAFE_NAME.sub('', rec.doc_id)[:8]}" if rec else "")
    name, n = base, 2
    while name in used:
        name, n = f"{base}-{n}", n + 1
    used.add(name)
    return f"{name}.html"


def _index_row(loaded: Loaded, href: str, labels: LabelSet) -> dict:
    rec = loaded.record
    if rec is None:
        return {"href": "", "doc": loaded.where, "unit": "", "year": "", "kind": "", "score": "", "grade": "",
                "rate": "", "spans": [""] * len(labels.names), "links": "", "findings": "", "errors": 1,
                "error": loaded.error or ""}
    counts = {name: 0 for name in labels.names}
    for s in rec.spans:
        counts[s.label] = counts.get(s.label, 0) + 1
    errors = [e for e in rec.errors if not e.message.startswith("warning:")]
    rate = execution_rate(rec)
    return {"href": href, "doc": rec.source.path, "unit": rec.meta.unit or "", "year": rec.meta.year or "",
            "kind": rec.meta.kind or "", "score": "" if rec.meta.total_score is None else f"{rec.meta.total_score:g}",
            "grade": rec.meta.grade or "", "rate": "" if rate is None else f"{rate:g}",
            "spans": [counts[n] for n in labels.names], "links": len(rec.links), "findings": len(rec.findings),
            "errors": len(errors), "error": "; ".join(f"{e.stage}: {e.message}" for e in errors)[:300]}


def build_site(paths: Iterable[Path], out: Path) -> SiteReport:
    """Read records from paths (files, JSONL, annotate folders) and write the site into out."""
    entries, duplicates = load_records(paths)
    return write_site(entries, Path(out), duplicates)


def write_site(entries: list[Loaded], out: Path, duplicates: int = 0) -> SiteReport:
    labels = load_labels()
    env = environment()
    report = SiteReport(out=out, duplicates=duplicates)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(exist_ok=True)
    (out / "charts").mkdir(exist_ok=True)
    static = resources.files("pipeline.view") / "static"
    for name in ASSETS:
        with resources.as_file(static / name) as src:
            shutil.copyfile(src, out / "assets" / name)
    (out / "assets" / "labels.css").write_text(labels_css(labels), encoding="utf-8")
    records = [e.record for e in entries if e.record is not None]
    charts = archive_charts(records)
    for name, svg in charts.items():
        (out / "charts" / name).write_text(svg, encoding="utf-8")

    doc_tpl = env.get_template("doc.html")
    used: set[str] = set()
    rows = []
    for entry in entries:
        if entry.record is None:
            report.unreadable.append(entry.where)
            rows.append(_index_row(entry, "", labels))
            continue
        name = page_name(entry, used)
        view = PageBuilder(entry.record).build()
        report.unplaced_spans += len(view["unplaced"])
        html = doc_tpl.render(csp=CSP, root="../", labels=labels.labels, **view)
        (out / "docs" / name).write_text(html, encoding="utf-8")
        report.pages += 1
        rows.append(_index_row(entry, f"docs/{name}", labels))
    index = env.get_template("index.html").render(
        csp=CSP, root="", labels=labels.labels, rows=rows, charts=list(charts),
        duplicates=duplicates)
    (out / "index.html").write_text(index, encoding="utf-8")
    return report
