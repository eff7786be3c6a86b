"""Variety statistics of a synthetic corpus (`jixiao synth-stats DIR`).

Measures what the tagger will see: how documents spread over layouts, unit kinds
and years; per label the number of spans, distinct span texts and the share of
the single most frequent span text; over all text the number of distinct
sentences and the share of the most frequent one (sentences of at least 8
characters, split at 。！？； and line ends, table rows excluded).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from pipeline.corpus.lsformat import read_tasks, task_to_example
from pipeline.labels import load_labels

_SENTENCE_END = re.compile(r"[。！？；\n]")


def sentences(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        if "\t" in line or line.lstrip().startswith("|"):
            continue  # table rows are not sentences
        out += [s.strip() for s in _SENTENCE_END.split(line) if len(s.strip()) >= 8]
    return out


def corpus_stats(path: Path) -> dict:
    path = Path(path)
    tasks = read_tasks(path / "tasks.json")
    facts = [json.loads(line) for line in (path / "facts.jsonl").read_text(encoding="utf-8").splitlines() if line]
    labels = load_labels().names
    span_texts = {label: Counter() for label in labels}
    sentence_counts: Counter = Counter()
    relations: Counter = Counter()
    chars = 0
    for task in tasks:
        ex = task_to_example(task)
        chars += len(ex.text)
        for s in ex.spans:
            span_texts.setdefault(s.label, Counter())[ex.text[s.start:s.end]] += 1
        for r in ex.relations:
            relations[r.label] += 1
        sentence_counts.update(sentences(ex.text))
    per_label = {}
    for label, counter in span_texts.items():
        total = sum(counter.values())
        top, top_n = counter.most_common(1)[0] if counter else ("", 0)
        per_label[label] = {"spans": total, "distinct": len(counter),
                            "top_share": round(top_n / total, 4) if total else 0.0, "top_text": top}
    total_sent = sum(sentence_counts.values())
    top_sent, top_sent_n = sentence_counts.most_common(1)[0] if sentence_counts else ("", 0)
    return {
        "docs": len(tasks), "chars": chars,
        "layouts": dict(sorted(Counter(f["layout"] for f in facts).items())),
        "unit_kinds": dict(sorted(Counter(f.get("unit_kind", "?") for f in facts).items())),
        "years": dict(sorted(Counter(str(f["year"]) for f in facts).items())),
        "labels": per_label,
        "relations": dict(sorted(relations.items())),
        "sentences": {"total": total_sent, "distinct": len(sentence_counts),
                      "top_share": round(top_sent_n / total_sent, 4) if total_sent else 0.0, "top_text": top_sent},
        "docs_with_planted": sum(1 for f in facts if f["planted"]),
        "planted_kinds": dict(sorted(Counter(p["kind"] for f in facts for p in f["planted"]).items())),
    }
