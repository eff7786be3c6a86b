"""The embedded index on disk (tantivy): create or open, add records, replace, delete, count.

A folder holds the tantivy files and ``jixiao-search.json`` naming the analyzer it was built
with, so searches analyse queries the same way. Adding a record first deletes every entry of
its doc_id (in the same commit), so indexing the same records again leaves the counts as
they were. A record that fails validation is reported and skipped; the rest is indexed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from pipeline.search.schema import WHITESPACE, BadRecord, build_schema, entries, to_document, validate

META_FILE = "jixiao-search.json"
INDEX_VERSION = 2  # 2: doc_key (a fast field ranking reads)
DEFAULT_ANALYZER = "bigram"  # chosen by measurement: README "Search", pipeline.search.relevance


@dataclass
class IndexReport:
    records: int = 0
    spans: int = 0
    errors: list[str] = field(default_factory=list)


def read_record_dicts(paths: Iterable[Path]) -> Iterator[tuple[str, Any]]:
    """(where, parsed JSON or the JSON error) for every record in files or folders.

    A folder written by ``jixiao annotate`` holds each record twice (``<stem>.json`` and a line of
    ``records.jsonl``): its records.jsonl is read alone when present. A line that is not JSON
    yields a BadRecord in place of the record, so the caller reports it and goes on.
    """
    for path in map(Path, paths):
        if path.is_dir():
            jsonl = path / "records.jsonl"
            files = [jsonl] if jsonl.exists() else sorted(p for p in path.glob("*.json") if p.is_file())
            yield from read_record_dicts(files)
        elif not path.exists():
            yield str(path), BadRecord(f"{path}: no such record file or folder")
        elif path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        yield _loads(line, f"{path}:{n}")
        else:
            yield _loads(path.read_text(encoding="utf-8"), str(path))


def _loads(raw: str, where: str) -> tuple[str, Any]:
    try:
        return where, json.loads(raw)
    except json.JSONDecodeError as exc:
        return where, BadRecord(f"{where}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")


def whitespace_analyzer():
    import tantivy

    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


class SearchIndex:
    """An index folder. ``SearchIndex.open(dir)`` or ``SearchIndex.create(dir, analyzer)``."""

    def __init__(self, path: Path, analyzer: str):
        import tantivy

        self.path = Path(path)
        self.analyzer = analyzer
        self.schema = build_schema(analyzer)
        self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        self.index.register_tokenizer(WHITESPACE, whitespace_analyzer())

    @classmethod
    def open(cls, path: Path) -> "SearchIndex":
        meta = Path(path) / META_FILE
        if not meta.exists():
            raise FileNotFoundError(f"{path} is no jixiao search index (no {META_FILE}); build one with `jixiao index`")
        info = json.loads(meta.read_text(encoding="utf-8"))
        if info.get("version") != INDEX_VERSION:
            raise ValueError(f"{path}: index version {info.get('version')}, this jixiao reads {INDEX_VERSION}: rebuild it")
        return cls(path, info["analyzer"])

    @classmethod
    def open_or_create(cls, path: Path, analyzer: Optional[str] = None) -> "SearchIndex":
        """The index at path; a new one with ``analyzer`` (default: the measured best) if none is there."""
        path = Path(path)
        if (path / META_FILE).exists():
            ix = cls.open(path)
            if analyzer and analyzer != ix.analyzer:
                raise ValueError(f"{path} was built with analyzer {ix.analyzer!r}, not {analyzer!r}: "
                                 "use another folder or delete this one")
            return ix
        path.mkdir(parents=True, exist_ok=True)
        analyzer = analyzer or DEFAULT_ANALYZER
        ix = cls(path, analyzer)
        (path / META_FILE).write_text(json.dumps({"version": INDEX_VERSION, "analyzer": analyzer}), encoding="utf-8")
        return ix

    # ------------------------------------------------------------------ writing
    def _writer(self):
        # one indexing thread: the machines this runs on are shared; 64 MB heap flushes rarely
        return self.index.writer(heap_size=64_000_000, num_threads=1)

    def add(self, items: Iterable[tuple[str, Any]], progress: Optional[Callable[[], None]] = None) -> IndexReport:
        """Index (where, record dict) pairs, replacing earlier entries of the same doc_id; one commit."""
        report = IndexReport()
        writer = self._writer()
        try:
            for where, data in items:
                try:
                    if isinstance(data, Exception):
                        raise data
                    record = validate(data, where)
                    memo: dict = {}
                    docs = [to_document(e, self.analyzer, memo) for e in entries(record)]
                except BadRecord as exc:
                    report.errors.append(str(exc))
                else:
                    writer.delete_documents_by_term("doc_id", record.doc_id)
                    for d in docs:
                        writer.add_document(d)
                    report.records += 1
                    report.spans += len(docs) - 1
                if progress:
                    progress()
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        self.index.reload()
        return report

    def add_paths(self, paths: Iterable[Path], progress: Optional[Callable[[], None]] = None) -> IndexReport:
        return self.add(read_record_dicts(paths), progress)

    def delete(self, doc_ids: Iterable[str]) -> int:
        """Remove documents (and their spans); the number of index entries removed."""
        before = self.searcher().num_docs
        writer = self._writer()
        for doc_id in doc_ids:
            writer.delete_documents_by_term("doc_id", doc_id)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return before - self.searcher().num_docs

    # ------------------------------------------------------------------ reading
    def searcher(self):
        return self.index.searcher()

    def counts(self) -> dict[str, int]:
        """{"doc": documents, "span": spans} in the index."""
        import tantivy

        out = {"doc": 0, "span": 0}
        agg = self.searcher().aggregate(tantivy.Query.all_query(), {"e": {"terms": {"field": "entry"}}})
        for b in agg["e"]["buckets"]:
            out[b["key"]] = b["doc_count"]
        return out

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
