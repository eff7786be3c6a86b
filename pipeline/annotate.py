"""The pipeline, stage by stage: read → clean → structure → tag → link → check.

Each document becomes exactly one Record. A stage that fails adds an entry to
``record.errors`` and the later stages still run on what there is; a file that
cannot be read at all still yields a Record (empty text, errors filled). Something
odd that a reader worked around (a damaged byte, no byte-order mark, stray control
characters, an unknown suffix) is a ``record.warnings`` entry, and every stage runs
as for a clean file. Nothing here raises for a bad document.

``annotate_stream`` is a generator over paths, so a batch of thousands of files is
processed one document at a time in constant memory.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol

from pipeline.clean import clean_text, printed_widths
from pipeline.cpu import release_freed_memory
from pipeline.record import COMPACT_FROM_CHARS, ErrorEntry, Record, Source, WarningEntry, compact_items
from pipeline.script import reading_twin, restore_script, to_simplified
from pipeline.structure import structure_into

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm"}

# Texts from this many characters hand the memory their stages freed back to the system
# after each stage (a few ms each time; an ordinary report is far below it)
_RELEASE_FROM_CHARS = COMPACT_FROM_CHARS

# A budget-performance report talks about at least two of these.
_REPORT_WORDS = re.compile(r"绩效|预算|支出|自评|评价|指标|决算|资金|经费")


class Component(Protocol):
    """spaCy-style component: predict() computes, set_annotations() writes into the record."""
    def predict(self, record: Record) -> Any: ...
    def set_annotations(self, record: Record, predictions: Any) -> None: ...


@dataclass
class Components:
    tagger: Optional[Component] = None
    linker: Optional[Component] = None
    checker: Optional[Component] = None
    load_errors: list[ErrorEntry] = field(default_factory=list)


def load_components(model_dir: Path | None = None, tag: bool = True, link: bool = True,
                    check: bool = True, tagger_options: dict | None = None,
                    min_confidence: float | None = None, threads: int | None = 2) -> Components:
    """The default components. A component that cannot load is reported on every record.
    ``tagger_options``: keyword arguments of Tagger (disable=[rule names], no_rules=True);
    ``min_confidence``: the checker's threshold for raising a finding;
    ``threads``: torch threads of the tagger (a batch of N workers gives each its share)."""
    comps = Components()
    if tag:
        try:
            from pipeline.tag.tagger import Tagger
            from pipeline import MODELS_DIR
            comps.tagger = Tagger.load(model_dir or MODELS_DIR / "tagger", threads=threads, **(tagger_options or {}))
        except Exception as exc:  # noqa: BLE001 - reported per record, batch goes on
            comps.load_errors.append(ErrorEntry(stage="tag", message=f"tagger not loaded: {exc}"))
    if link:
        try:
            from pipeline.link import Linker
            comps.linker = Linker()
        except Exception as exc:  # noqa: BLE001
            comps.load_errors.append(ErrorEntry(stage="link", message=f"linker not loaded: {exc}"))
    if check:
        try:
            from pipeline.check import Checker
            comps.checker = Checker(min_confidence=min_confidence)
        except Exception as exc:  # noqa: BLE001
            comps.load_errors.append(ErrorEntry(stage="check", message=f"checker not loaded: {exc}"))
    return comps


def _stage(record: Record, name: str, fn: Callable[[], None]) -> bool:
    try:
        fn()
        return True
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        record.errors.append(ErrorEntry(stage=name, message=f"{type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})"))
        return False


def is_report(text: str) -> bool:
    words = set()
    for m in _REPORT_WORDS.finditer(text, 0, 20000):
        words.add(m.group())
        if len(words) >= 2:
            return True   # (nearly every report: within its first lines)
    return False


def structure_text(text: str, record: Record | None = None,
                   explicit_tables: list[tuple[str, list[list[tuple[int, int]]]]] | None = None,
                   keep_twin: bool = False, heading_hints: list[tuple[int, int]] | None = None) -> Record:
    """Clean and structure a raw text (no tagger): the record every later stage starts from.

    A report in traditional characters, or one that prints full-width digits and letters
    (２０２３, ９８．５％), is structured through its twin (simplified, narrow: the same length and
    offsets); the record comes back as the document printed it unless keep_twin (run_components then gives it back
    after the tagger, linker and checker, which read the twin too). heading_hints: the
    cleaner's markdown heading marks (``Cleaned.heading_hints``) of a text that was cleaned
    before; cleaning it again cannot find them, its ``#`` being gone."""
    if record is None:
        data = text.encode("utf-8")
        record = Record(doc_id=hashlib.sha256(data).hexdigest(),
                        source=Source(path="<text>", format="txt", encoding="utf-8", bytes=len(data)))
        del data
    cleaned = clean_text(text)
    # the full-width digits and letters the report printed, which the cleaner narrowed
    printed = printed_widths(cleaned, text)
    if heading_hints and (printed or cleaned.text) == text:
        cleaned = dataclasses.replace(cleaned, heading_hints=[tuple(h) for h in heading_hints])
    original = printed if printed is not None else cleaned.text
    # (cleaned.text is narrow already: only a text with widths put back needs the whole reading)
    twin = reading_twin(original) if printed is not None else to_simplified(cleaned.text)
    if twin is not None:
        # stages read the twin: simplified, narrow digits and letters (same length, same
        # offsets); run_components gives the record back as the document printed it
        record._original_text = original
        cleaned = dataclasses.replace(cleaned, text=twin)
    record.text = cleaned.text
    record.source_map = cleaned.offsets.runs()
    mapped = []
    for layout, rows in explicit_tables or []:
        mapped.append((layout, [[cleaned.offsets.span_to_clean(s, e) for s, e in row] for row in rows]))
    # the offset map (one source index a character: 8 bytes a character) is not read by the
    # structure stage: handed back before it, with its runs kept in the record
    cleaned = dataclasses.replace(cleaned, offsets=None)
    if not record.text.strip():
        record.errors.append(ErrorEntry(stage="clean", message="no text left after cleaning"))
    elif not is_report(record.text):
        record.errors.append(ErrorEntry(
            stage="structure", message="not a budget-performance report: none of its words (绩效, 预算, 支出, 自评, 评价, 指标 …) occur"))
    else:
        _stage(record, "structure", lambda: structure_into(record, cleaned, mapped))
    if not keep_twin:
        restore_twin(record)
    return record


def restore_twin(record: Record) -> None:
    """A record structured with keep_twin given back as the document printed it (run_components
    does this after the tagger, linker and checker)."""
    if record._original_text is not None:
        restore_script(record, record._original_text)
        record._original_text = None


def run_components(record: Record, comps: Components) -> Record:
    record.errors.extend(e.model_copy() for e in comps.load_errors)
    # Only a document without usable text skips the stages; warnings never do.
    if record.text and not any(e.stage in ("read", "clean") or e.message.startswith("not a budget") for e in record.errors):
        for name, comp in (("tag", comps.tagger), ("link", comps.linker), ("check", comps.checker)):
            if comp is not None:
                _stage(record, name, lambda c=comp: c.set_annotations(record, c.predict(record)))
                if len(record.text) >= _RELEASE_FROM_CHARS:
                    release_freed_memory()   # a giant document's stage intermediates, freed
    restore_twin(record)
    return record


def annotate_text(text: str, tagger: Component | None = None, components: Components | None = None) -> Record:
    """Structure and tag a raw text (used by the Label Studio backend and tests)."""
    with compact_items(len(text) >= _RELEASE_FROM_CHARS):
        record = structure_text(text, keep_twin=True)
        comps = components or Components(tagger=tagger)
        if tagger is not None:
            comps.tagger = tagger
        return run_components(record, comps)


def annotate_path(path: Path, components: Components | None = None, limits=None) -> Record:
    """One file → one Record, whatever is wrong with the file."""
    from pipeline.read import ReadError, ReadLimits, read_path

    path = Path(path)
    try:
        data_len = path.stat().st_size
    except OSError as exc:
        data_len = 0
        record = Record(doc_id=hashlib.sha256(str(path).encode()).hexdigest(),
                        source=Source(path=str(path), format="unknown", bytes=0))
        record.errors.append(ErrorEntry(stage="read", message=f"cannot open file: {exc.strerror or exc}"))
        return record
    doc_id = _file_sha256(path)
    fmt = _format_of(path)
    record = Record(doc_id=doc_id, source=Source(path=str(path), format=fmt, bytes=data_len))
    try:
        result = read_path(path, limits or ReadLimits())
    except ReadError as exc:
        record.errors.append(ErrorEntry(stage="read", message=exc.message))
        return record
    except Exception as exc:  # noqa: BLE001 - a reader bug must not lose the document
        record.errors.append(ErrorEntry(stage="read", message=f"unexpected reader failure: {type(exc).__name__}: {exc}"))
        return record
    record.source.format = result.format if result.format in ("txt", "docx", "pdf", "html", "md") else fmt
    record.source.encoding = result.encoding
    record.warnings.extend(WarningEntry(stage="read", message=w) for w in result.warnings)
    explicit = [(result.format, tb.rows) for tb in result.tables]
    text = result.text
    del result   # the reader's text and tables: the record has its own from here
    with compact_items(len(text) >= _RELEASE_FROM_CHARS):  # a giant document's items share their texts
        structure_text(text, record, explicit, keep_twin=True)
        del text, explicit
        if len(record.text) >= _RELEASE_FROM_CHARS:
            release_freed_memory()
        return run_components(record, components or Components())


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        h.update(str(path).encode())
    return h.hexdigest()


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf",
            ".html": "html", ".htm": "html"}.get(suffix, "unknown")


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files and folders → files, sorted, each once. Folders contribute every regular file
    (unsupported ones too, so that they get an error record instead of vanishing)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        candidates = sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")) if p.is_dir() else [p]
        for c in candidates:
            key = c.resolve()
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def annotate_stream(paths: Iterable[Path], components: Components | None = None, limits=None) -> Iterator[Record]:
    comps = components or Components()
    for path in paths:
        yield annotate_path(path, comps, limits)
