"""Retrieval quality of the analyzers on a judged query set: MRR@10, nDCG@10, top-3 success.

    python -m pipeline.search.relevance RECORDS... [--queries configs/search/judged_queries.yaml]
        [--analyzers bigram,jieba,both] [--out runs/search-relevance.json]

Builds one index per analyzer from the same records (in a temporary folder), runs every
judged query through ``pipeline.search.query.search`` with its filters, and ranks documents
by their best hit (a document or any of its spans). Documents are named by the stem of the
record's source path, so the .txt and .docx of one report are one document, as the
judgements name them. top-3 success: every relevant document is in the top 3, or, for a
query with more than 3 relevant documents, the top 3 are all relevant.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
from pathlib import Path

import yaml

from pipeline import CONFIG_DIR
from pipeline.search.analysis import ANALYZERS
from pipeline.search.index import SearchIndex, read_record_dicts
from pipeline.search.query import Filters, search

QUERIES = CONFIG_DIR / "search" / "judged_queries.yaml"
K = 10
HITS_PER_QUERY = 200  # entries fetched to rank documents (spans of one document repeat it)


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["queries"]


def ranked_documents(ix: SearchIndex, q: dict) -> list[str]:
    f = Filters(label=q.get("label"), year=q.get("year"))
    stems = [Path(h.path or h.doc_id).stem for h in search(ix, q["q"], f, limit=HITS_PER_QUERY)]
    return list(dict.fromkeys(stems))


def reciprocal_rank(ranking: list[str], relevant: dict[str, int], k: int = K) -> float:
    for i, d in enumerate(ranking[:k], 1):
        if relevant.get(d, 0) > 0:
            return 1.0 / i
    return 0.0


def ndcg(ranking: list[str], relevant: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 1) for i, d in enumerate(ranking[:k], 1))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def top3_success(ranking: list[str], relevant: dict[str, int]) -> bool:
    rel = {d for d, g in relevant.items() if g > 0}
    top = ranking[:3]
    return rel <= set(top) if len(rel) <= 3 else all(d in rel for d in top)


def evaluate(record_paths: list[Path], queries: list[dict], analyzers: list[str]) -> dict:
    items = list(read_record_dicts(record_paths))
    report: dict = {"records": [str(p) for p in record_paths], "queries": len(queries), "analyzers": {}}
    for analyzer in analyzers:
        with tempfile.TemporaryDirectory(prefix=f"jixiao-rel-{analyzer}-") as tmp:
            ix = SearchIndex.open_or_create(Path(tmp) / "ix", analyzer)
            added = ix.add(items)
            per_query = []
            for q in queries:
                ranking = ranked_documents(ix, q)
                rel = q["relevant"]
                per_query.append({"q": q["q"], "label": q.get("label"), "year": q.get("year"),
                                  "rr": reciprocal_rank(ranking, rel), "ndcg": ndcg(ranking, rel),
                                  "top3": top3_success(ranking, rel), "top": ranking[:5]})
            del ix
        report["analyzers"][analyzer] = {
            "indexed_records": added.records, "errors": added.errors,
            "mrr@10": round(statistics.mean(p["rr"] for p in per_query), 4),
            "ndcg@10": round(statistics.mean(p["ndcg"] for p in per_query), 4),
            "top3_success": sum(p["top3"] for p in per_query),
            "by_length": _by_length(per_query),
            "per_query": per_query,
        }
    return report


def _by_length(per_query: list[dict]) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for p in per_query:
        n = len(p["q"].replace(" ", ""))
        groups.setdefault("2" if n == 2 else "3" if n == 3 else "4+", []).append(p)
    return {g: {"n": len(ps), "mrr@10": round(statistics.mean(p["rr"] for p in ps), 4),
                "ndcg@10": round(statistics.mean(p["ndcg"] for p in ps), 4)} for g, ps in sorted(groups.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("records", nargs="+", type=Path, help="record files, records.jsonl, or folders")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--analyzers", default=",".join(ANALYZERS))
    ap.add_argument("--out", type=Path, default=None, help="write the full report (per query) as JSON")
    args = ap.parse_args(argv)
    report = evaluate(args.records, load_queries(args.queries), args.analyzers.split(","))
    n = report["queries"]
    print(f"{n} judged queries over {', '.join(map(str, args.records))}")
    print(f"{'analyzer':<8} {'MRR@10':>7} {'nDCG@10':>8} {'top-3':>7}   by query length (n: MRR / nDCG)")
    for name, r in report["analyzers"].items():
        lengths = "  ".join(f"{g} ({v['n']}): {v['mrr@10']:.3f} / {v['ndcg@10']:.3f}" for g, v in r["by_length"].items())
        print(f"{name:<8} {r['mrr@10']:>7.3f} {r['ndcg@10']:>8.3f} {r['top3_success']:>3}/{n:<3}   {lengths}")
        for p in r["per_query"]:
            if not p["top3"]:
                filt = " ".join(f"{k}={p[k]}" for k in ("label", "year") if p[k])
                print(f"    top-3 miss: {p['q']} {filt} → {', '.join(p['top'][:3])}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
