"""Score predicted spans, links and facts against gold.

Inputs (``load_documents``), for either side, a file or a folder of:
- Label Studio exports (a JSON list of tasks, a JSONL of tasks): gold takes each
  task's newest human annotation, prediction takes the newest prediction (or the
  annotation when the task has no prediction);
- record files (``*.json`` with ``text`` and ``spans``, or ``records.jsonl``);
- training JSONL (``{"text", "spans": [{"start","end","label"}], "relations", "data"}``);
- stand-off gold files (annotations/gold/*.json; the seed is read from
  pipeline.SEEDS_DIR).

Documents are paired by ``doc_id`` (record ``doc_id``, task ``data.doc_id``,
gold sha256), falling back to identical text. When the two texts differ but
one is the other cleaned by pipeline.clean.clean_text (gold in source
coordinates, a record in cleaned ones), the raw side is mapped into cleaned
coordinates; a pair that still differs is reported as misaligned, not scored.

**Span matching.** Exact: same label, same start and end. Overlap: same label
and character IoU = |a∩b| / |a∪b| ≥ 0.5 (``iou_threshold``). Both are
one-to-one: candidate pairs are taken greedily by decreasing IoU (ties: earlier
gold span, then earlier predicted span) and a span already paired is never
credited again, so one long gold span cannot absorb two predictions.

**Link matching.** Same relation and both ends match. A span end matches
through the span matching of the same mode (the predicted span must be the one
paired with the gold span). ``budget.FIELD`` ends match by field name. Table
row anchors (gold: the offsets of the cell that names the row) match a
predicted row end when the anchor overlaps one of the row's cells. Money and
cell anchors match a predicted ``text:START-END`` / cell end by the same rule as
spans (exact offsets, or IoU ≥ threshold). One-to-one, greedy in gold order.

Record link ids follow the record contract (span, indicator, project and table
row ids, ``budget.FIELD``) plus the linker's conventions ``text:START-END`` for
a stretch of narrative and ``ROWID#cK`` for cell K of a row.

**Facts.** When the gold side states facts (a record's meta/budget/assets/staff,
``data.facts`` of a task, or ``--facts FILE`` keyed by doc_id or file name,
e.g. ../shared/spec/seed_facts.json) each comparable scalar is checked against
the predicted record: numbers within 0.01, strings equal after stripping
spaces. Keys the record contract has no field for are listed, not scored.

**Averages.** Micro: from summed tp/fp/fn. Macro: mean of per-label F1 (P, R)
over the labels present in gold or prediction. With no predictions precision is
0, with no gold recall is 0.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from pipeline.clean import clean_text
from pipeline.corpus.lsformat import latest_annotation, results_to_example
from pipeline.record import ASSET_FIELDS, BUDGET_FIELDS

IOU_THRESHOLD = 0.5
MODES = ("exact", "overlap")
_TEXT_ID = re.compile(r"^text:(\d+)-(\d+)$")
_CELL_ID = re.compile(r"^(?P<row>.+)#c(?P<k>\d+)$")
ROW_KINDS = ("indicator", "project", "fund_use", "row")
INTERVAL_KINDS = ("money", "cell", "text")


# ---------------------------------------------------------------- documents

@dataclass
class Span:
    start: int
    end: int
    label: str
    id: str = ""


@dataclass
class End:
    """A link end. kind: span (ref = span id) | budget (ref = field) | row (intervals = its cells) |
    money/cell/text (intervals = one stretch of text)."""
    kind: str
    ref: str = ""
    intervals: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Link:
    frm: End
    to: End
    relation: str


@dataclass
class Doc:
    key: str  # doc_id when known, else "text:<n>"
    text: str
    spans: list[Span]
    links: list[Link] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # file names the facts file may use
    source: str = ""

    def shifted(self, mapper) -> "Doc":
        """The same document with every offset passed through mapper(start, end) -> (start, end)."""
        def iv(ivs):
            return [mapper(s, e) for s, e in ivs]
        spans = [Span(*mapper(s.start, s.end), s.label, s.id) for s in self.spans]
        links = [Link(End(l.frm.kind, l.frm.ref, iv(l.frm.intervals)), End(l.to.kind, l.to.ref, iv(l.to.intervals)),
                      l.relation) for l in self.links]
        return Doc(self.key, clean_text(self.text).text, spans, links, self.facts, self.names, self.source)


def _flat_facts(record: dict) -> dict[str, Any]:
    """Comparable scalars of a record: meta fields, staff.*, budget.*, assets.* (values only)."""
    facts: dict[str, Any] = {}
    meta = record.get("meta") or {}
    for k, v in meta.items():
        if k == "staff" and isinstance(v, dict):
            facts.update({f"staff.{sk}": sv for sk, sv in v.items() if sv is not None})
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool):
            facts[k] = v
    for group in ("budget", "assets"):
        for k, v in (record.get(group) or {}).items():
            if isinstance(v, dict) and v.get("value") is not None:
                facts[f"{group}.{k}"] = v["value"]
    return facts


def _record_links(record: dict, spans: dict[str, Span]) -> list[Link]:
    rows: dict[str, list[tuple[int, int]]] = {}
    cells: dict[str, tuple[int, int]] = {}
    for t in record.get("tables") or []:
        for r in t.get("rows") or []:
            rows[r["id"]] = [(c["start"], c["end"]) for c in r.get("cells") or []]
            for k, c in enumerate(r.get("cells") or []):
                cells[f"{r['id']}#c{k}"] = (c["start"], c["end"])
    item_rows: dict[str, list[tuple[int, int]]] = {}
    for ind in record.get("indicators") or []:
        item_rows[ind["id"]] = rows.get(ind.get("row") or "", [])
    for p in record.get("projects") or []:
        ivs = rows.get(p.get("row") or "", [])
        if not ivs and p.get("start") is not None and p.get("end") is not None:
            ivs = [(p["start"], p["end"])]
        item_rows[p["id"]] = ivs

    def end(ref: str) -> Optional[End]:
        if ref in spans:
            return End("span", ref)
        if ref.startswith("budget."):
            return End("budget", ref.split(".", 1)[1])
        m = _TEXT_ID.match(ref)
        if m:
            return End("text", intervals=[(int(m.group(1)), int(m.group(2)))])
        if ref in cells:
            return End("cell", intervals=[cells[ref]])
        if ref in item_rows:
            return End("row", ref, item_rows[ref])
        if ref in rows:
            return End("row", ref, rows[ref])
        return None

    out = []
    for ln in record.get("links") or []:
        a, b = end(ln.get("from", "")), end(ln.get("to", ""))
        if a is not None and b is not None:
            out.append(Link(a, b, ln["relation"]))
    return out


def doc_from_record(record: dict, source: str = "") -> Doc:
    spans = {s["id"]: Span(s["start"], s["end"], s["label"], s["id"]) for s in record.get("spans") or []}
    src = record.get("source") or {}
    names = {Path(src["path"]).name} if src.get("path") else set()
    return Doc(record.get("doc_id") or f"text:{hash(record.get('text', ''))}", record.get("text", ""),
               list(spans.values()), _record_links(record, spans), _flat_facts(record), names, source)


def _gold_end(end: dict) -> End:
    kind = end["kind"]
    if kind == "span":
        return End("span", end["id"])
    if kind == "budget":
        return End("budget", end["field"])
    if kind in ("indicator", "project", "fund_use"):
        return End("row", kind, [(end["start"], end["end"])])
    return End(kind, intervals=[(end["start"], end["end"])])


def doc_from_example(ex, source: str = "") -> Doc:
    """An lsformat.Example (gold file, task, training line) as a Doc."""
    spans = [Span(s.start, s.end, s.label, s.id or f"s{i}") for i, s in enumerate(ex.spans)]
    data = ex.data or {}
    links: list[Link] = []
    if "links" in data:  # gold files: every link, ends already normalised
        for ln in data["links"]:
            links.append(Link(_gold_end(ln["from"]), _gold_end(ln["to"]), ln["relation"]))
    else:
        links = [Link(End("span", r.from_id), End("span", r.to_id), r.label) for r in ex.relations]
    names = {data["file"]} if data.get("file") else set()
    facts = dict(data.get("facts") or {})
    key = data.get("doc_id") or f"text:{hash(ex.text)}"
    return Doc(key, ex.text, spans, links, facts, names, source)


def _task_example(task: dict, role: str):
    """Gold role: newest annotation. Pred role: newest prediction, else newest annotation."""
    from pipeline.corpus.lsformat import Example
    data = dict(task.get("data") or {})
    text = data.pop("text", "")
    chosen = None
    if role == "pred" and task.get("predictions"):
        chosen = task["predictions"][-1]
    if chosen is None:
        chosen = latest_annotation(task)
    if chosen is None:
        return None
    spans, relations = results_to_example(text, chosen.get("result") or [])
    return Example(text, spans, relations, data, task.get("id"))


def _training_example(obj: dict):
    from pipeline.corpus.lsformat import Example, RelationAnn, SpanAnn
    spans = [SpanAnn(int(s["start"]), int(s["end"]), s["label"], id=str(s.get("id", ""))) for s in obj.get("spans") or []]
    rels = [RelationAnn(r["from_id"], r["to_id"], r.get("label", "")) for r in obj.get("relations") or []]
    return Example(obj["text"], spans, rels, dict(obj.get("data") or {}))


def _is_gold_file(obj: Any) -> bool:
    return isinstance(obj, dict) and "sha256" in obj and "file" in obj and "spans" in obj


def _objects(path: Path) -> Iterable[tuple[Any, str]]:
    if path.is_dir():
        for p in sorted(path.iterdir()):
            if p.is_file() and p.suffix in (".json", ".jsonl"):
                yield from _objects(p)
        return
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        for i, line in enumerate(raw.splitlines()):
            if line.strip():
                yield json.loads(line), f"{path}:{i + 1}"
        return
    data = json.loads(raw)
    if isinstance(data, list):
        for i, obj in enumerate(data):
            yield obj, f"{path}[{i}]"
    else:
        yield (data, str(path))


def load_documents(path: Path, role: str = "gold", skipped: list[str] | None = None) -> list[Doc]:
    """Every document in a file or folder, whatever its format (see the module docstring).

    A document seen twice (an annotate output folder holds each record both as
    ``<stem>.json`` and as a line of ``records.jsonl``) is kept once; objects of
    no known kind are listed in ``skipped`` instead of failing the run.
    """
    from pipeline.corpus.gold import load_gold
    docs: list[Doc] = []
    seen: set[tuple[str, str]] = set()
    for doc in _load_all(Path(path), role, load_gold, skipped if skipped is not None else []):
        ident = (doc.key, doc.text)
        if ident in seen:
            continue
        seen.add(ident)
        docs.append(doc)
    return docs


def _load_all(path: Path, role: str, load_gold, skipped: list[str]) -> Iterable[Doc]:
    for obj, where in _objects(path):
        if _is_gold_file(obj):
            yield doc_from_example(load_gold(Path(where)), where)
        elif isinstance(obj, dict) and "data" in obj and ("annotations" in obj or "predictions" in obj):
            ex = _task_example(obj, role)
            if ex is not None:
                yield doc_from_example(ex, where)
        elif isinstance(obj, dict) and "text" in obj and ("doc_id" in obj or "schema_version" in obj):
            yield doc_from_record(obj, where)
        elif isinstance(obj, dict) and "text" in obj and "spans" in obj:
            yield doc_from_example(_training_example(obj), where)
        else:
            skipped.append(f"{where}: not a Label Studio task, record, training line or gold file")


def pair_documents(gold: list[Doc], pred: list[Doc]) -> tuple[list[tuple[Doc, Doc]], list[Doc], list[Doc], list[str]]:
    """(pairs, gold without prediction, predictions without gold, misaligned notes)."""
    by_key = {d.key: d for d in pred if not d.key.startswith("text:")}
    by_text = {d.text: d for d in pred}
    used: set[int] = set()
    pairs, gold_only, misaligned = [], [], []
    for g in gold:
        p = by_key.get(g.key)
        if p is None or id(p) in used:
            p = by_text.get(g.text)
            if p is None:
                cleaned = clean_text(g.text).text
                p = by_text.get(cleaned)
        if p is None or id(p) in used:
            gold_only.append(g)
            continue
        used.add(id(p))
        aligned = align(g, p)
        if aligned is None:
            misaligned.append(f"{g.source} ↔ {p.source}: texts differ beyond cleaning")
            continue
        pairs.append(aligned)
    pred_only = [p for p in pred if id(p) not in used]
    return pairs, gold_only, pred_only, misaligned


def align(g: Doc, p: Doc) -> Optional[tuple[Doc, Doc]]:
    """Bring both documents to the same text (cleaned coordinates when one side is raw)."""
    if g.text == p.text:
        return g, p
    gc, pc = clean_text(g.text), clean_text(p.text)
    if gc.text == p.text:
        return g.shifted(gc.offsets.span_to_clean), p
    if pc.text == g.text:
        return g, p.shifted(pc.offsets.span_to_clean)
    if gc.text == pc.text:
        return g.shifted(gc.offsets.span_to_clean), p.shifted(pc.offsets.span_to_clean)
    return None


# ---------------------------------------------------------------- matching

def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union


def _interval_score(mode: str, a: tuple[int, int], b: tuple[int, int], threshold: float) -> float:
    if mode == "exact":
        return 1.0 if a == b else 0.0
    v = iou(a, b)
    return v if v >= threshold else 0.0


def match_spans(gold: list[Span], pred: list[Span], mode: str, threshold: float = IOU_THRESHOLD) -> dict[int, int]:
    """One-to-one pairing gold index → pred index (greedy by decreasing IoU)."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g.label != p.label:
                continue
            score = _interval_score(mode, (g.start, g.end), (p.start, p.end), threshold)
            if score > 0:
                cands.append((-score, gi, pi))
    cands.sort()
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, gi, pi in cands:
        if gi not in pairs and pi not in taken:
            pairs[gi] = pi
            taken.add(pi)
    return pairs


def _end_matches(g: End, p: End, mode: str, threshold: float, span_pairs: dict[str, str]) -> bool:
    if g.kind == "span":
        return p.kind == "span" and span_pairs.get(g.ref) == p.ref
    if g.kind == "budget":
        return p.kind == "budget" and g.ref == p.ref
    if g.kind == "row":
        # the gold anchor is the naming cell; a predicted row matches when one of its cells holds it
        return p.kind == "row" and any(iou(g.intervals[0], c) > 0 for c in p.intervals)
    if p.kind not in INTERVAL_KINDS:
        return False
    pred_iv = p.intervals[0] if p.intervals else None
    return pred_iv is not None and _interval_score(mode, g.intervals[0], pred_iv, threshold) > 0


def match_links(gold: Doc, pred: Doc, span_pairs: dict[str, str], mode: str,
                threshold: float = IOU_THRESHOLD) -> list[tuple[int, int]]:
    taken: set[int] = set()
    out = []
    for gi, g in enumerate(gold.links):
        for pi, p in enumerate(pred.links):
            if pi in taken or p.relation != g.relation:
                continue
            if _end_matches(g.frm, p.frm, mode, threshold, span_pairs) and \
                    _end_matches(g.to, p.to, mode, threshold, span_pairs):
                out.append((gi, pi))
                taken.add(pi)
                break
    return out


# ---------------------------------------------------------------- scores

def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def _summarise(counts: dict[str, list[int]]) -> dict[str, Any]:
    per = {k: prf(*v) for k, v in sorted(counts.items())}
    tp, fp, fn = (sum(v[i] for v in counts.values()) for i in range(3))
    present = [k for k, v in counts.items() if v[0] + v[1] + v[2] > 0]
    macro = {m: (sum(per[k][m] for k in present) / len(present) if present else 0.0)
             for m in ("precision", "recall", "f1")}
    return {"per_label": per, "micro": prf(tp, fp, fn), "macro": macro}


def _facts_accuracy(pairs: list[tuple[Doc, Doc]], tolerance: float = 0.01) -> Optional[dict[str, Any]]:
    known = {"unit", "year", "kind", "region", "filled_on", "total_score", "grade"}
    known |= {f"budget.{f}" for f in BUDGET_FIELDS} | {f"assets.{f}" for f in ASSET_FIELDS}
    known |= {f"staff.{f}" for f in ("authorized", "administrative", "institutional", "in_service", "retired")}
    compared = correct = 0
    mistakes, skipped = [], set()
    any_facts = False
    for g, p in pairs:
        if not g.facts:
            continue
        any_facts = True
        for key, want in g.facts.items():
            if key not in known or isinstance(want, (list, dict)):
                skipped.add(key)
                continue
            compared += 1
            got = p.facts.get(key)
            if isinstance(want, (int, float)) and isinstance(got, (int, float)):
                ok = abs(float(want) - float(got)) <= tolerance
            else:
                ok = got is not None and str(got).strip() == str(want).strip()
            correct += ok
            if not ok:
                mistakes.append({"doc": g.key, "key": key, "gold": want, "pred": got})
    if not any_facts:
        return None
    return {"compared": compared, "correct": correct, "accuracy": correct / compared if compared else 0.0,
            "mistakes": mistakes, "not_compared": sorted(skipped)}


def _flatten(d: dict, prefix: str = "") -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def attach_facts(docs: list[Doc], facts_file: Path) -> None:
    """Gold facts from a file keyed by doc_id or file name (nested keys flatten with dots)."""
    table = json.loads(Path(facts_file).read_text(encoding="utf-8"))
    for d in docs:
        for key in [d.key, *d.names]:
            if isinstance(table.get(key), dict):
                d.facts = _flatten(table[key])
                break


def evaluate_docs(gold: list[Doc], pred: list[Doc], threshold: float = IOU_THRESHOLD) -> dict[str, Any]:
    pairs, gold_only, pred_only, misaligned = pair_documents(gold, pred)
    span_counts = {m: {} for m in MODES}
    link_counts = {m: {} for m in MODES}
    per_doc = []
    for g, p in pairs:
        doc_row = {"doc": g.key, "gold": g.source, "pred": p.source}
        for mode in MODES:
            pairs_ix = match_spans(g.spans, p.spans, mode, threshold)
            counts = span_counts[mode]
            for s in g.spans:
                counts.setdefault(s.label, [0, 0, 0])
            for s in p.spans:
                counts.setdefault(s.label, [0, 0, 0])
            for gi, pi in pairs_ix.items():
                counts[g.spans[gi].label][0] += 1
            matched_pred = set(pairs_ix.values())
            for gi, s in enumerate(g.spans):
                if gi not in pairs_ix:
                    counts[s.label][2] += 1
            for pi, s in enumerate(p.spans):
                if pi not in matched_pred:
                    counts[s.label][1] += 1
            doc_row[f"span_f1_{mode}"] = prf(len(pairs_ix), len(p.spans) - len(pairs_ix),
                                              len(g.spans) - len(pairs_ix))["f1"]
            id_pairs = {g.spans[gi].id: p.spans[pi].id for gi, pi in pairs_ix.items()}
            lm = match_links(g, p, id_pairs, mode, threshold)
            lc = link_counts[mode]
            for ln in g.links:
                lc.setdefault(ln.relation, [0, 0, 0])
            for ln in p.links:
                lc.setdefault(ln.relation, [0, 0, 0])
            for gi, _ in lm:
                lc[g.links[gi].relation][0] += 1
            got_g = {gi for gi, _ in lm}
            got_p = {pi for _, pi in lm}
            for gi, ln in enumerate(g.links):
                if gi not in got_g:
                    lc[ln.relation][2] += 1
            for pi, ln in enumerate(p.links):
                if pi not in got_p:
                    lc[ln.relation][1] += 1
        per_doc.append(doc_row)
    return {
        "span_matching": {"exact": "same label, start and end",
                          "overlap": f"same label and character IoU >= {threshold}, one-to-one greedy"},
        "documents": {"paired": len(pairs), "gold_only": [d.source for d in gold_only],
                      "pred_only": [d.source for d in pred_only], "misaligned": misaligned},
        "spans": {m: _summarise(span_counts[m]) for m in MODES},
        "links": {m: _summarise(link_counts[m]) for m in MODES},
        "facts": _facts_accuracy(pairs),
        "per_document": per_doc,
    }


def evaluate_examples(gold: list, pred: list, threshold: float = IOU_THRESHOLD) -> dict[str, Any]:
    """In-memory entry point for lsformat.Examples (the trainer's evaluation protocol uses it).

    Pairs by data.doc_id, else by text; gold examples from pipeline.corpus.gold may be in
    source or clean coordinates (the pairing maps them when the prediction's text is cleaned).
    """
    return evaluate_docs([doc_from_example(e, f"gold#{i}") for i, e in enumerate(gold)],
                         [doc_from_example(e, f"pred#{i}") for i, e in enumerate(pred)], threshold)


def evaluate_paths(gold: Path, pred: Path, facts: Optional[Path] = None,
                   threshold: float = IOU_THRESHOLD) -> dict[str, Any]:
    skipped: list[str] = []
    gold_docs = load_documents(gold, "gold", skipped)
    pred_docs = load_documents(pred, "pred", skipped)
    if facts is not None:
        attach_facts(gold_docs, facts)
    report = evaluate_docs(gold_docs, pred_docs, threshold)
    report["inputs"] = {"gold": str(gold), "pred": str(pred), "facts": str(facts) if facts else None,
                        "skipped": skipped}
    return report
