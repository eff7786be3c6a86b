"""Chinese text analysis for the search index: text → a list of index terms.

tantivy's Python bindings can only chain tokenizers written in Rust (whitespace, regex,
ngram…), so every analyzer here runs in Python and the index stores its terms as a
space-separated string under tantivy's whitespace tokenizer. The same function analyses
queries, so indexed and query terms always agree.

Analyzers (chosen by measurement, see ``pipeline.search.relevance``):
- ``bigram``: overlapping CJK character bigrams as Lucene's CJKAnalyzer makes them; a lone
  CJK character stays a unigram; Latin words and numbers are single lowercased terms;
- ``jieba``: jieba word segmentation in search mode (words plus their dictionary sub-words,
  so 禁毒 matches inside 禁毒工作);
- ``both``: the two term lists together (two fields in the index).
``chars`` (one term per CJK character) serves the substring filters on unit/region/kind:
a phrase of characters matches exactly where the string occurs.
"""
from __future__ import annotations

import re
from typing import Callable

from pipeline.clean import narrow
from pipeline.segment import jieba_segmenter

# CJK Unified Ideographs, extension A, compatibility ideographs (the text may hold traditional forms)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a run of CJK characters, or a Latin/digit word (decimals kept whole: 98.5)
_RUN = re.compile(rf"[{_CJK}]+|[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:\.[0-9]+)?")
_IS_CJK = re.compile(rf"[{_CJK}]")

ANALYZERS = ("bigram", "jieba", "both")


def _runs(text: str) -> list[str]:
    return _RUN.findall(text)


def cjk_bigrams(text: str) -> list[str]:
    """Overlapping bigrams of each CJK run (a 1-character run stays whole); other words lowercased."""
    out: list[str] = []
    for run in _runs(text):
        if _IS_CJK.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(map(str.__add__, run, run[1:]))
        else:
            out.append(run.lower())
    return out


def cjk_chars(text: str) -> list[str]:
    """One term per CJK character, other words lowercased: a phrase of these is a substring match."""
    out: list[str] = []
    for run in _runs(text):
        if _IS_CJK.match(run):
            out.extend(run)
        else:
            out.append(run.lower())
    return out


def _jieba():
    return jieba_segmenter()


def jieba_words(text: str) -> list[str]:
    """jieba search-mode words of each CJK run (sub-words included); other words lowercased."""
    jb = _jieba()
    out: list[str] = []
    for run in _runs(text):
        if _IS_CJK.match(run):
            out.extend(w for w in jb.cut_for_search(run, HMM=True) if w.strip())
        else:
            out.append(run.lower())
    return out


TERMS: dict[str, Callable[[str], list[str]]] = {"bigram": cjk_bigrams, "jieba": jieba_words, "chars": cjk_chars}


def fields_of(analyzer: str) -> list[str]:
    """The analysers whose term fields an index built with ``analyzer`` holds."""
    if analyzer == "both":
        return ["bigram", "jieba"]
    if analyzer in TERMS:
        return [analyzer]
    raise ValueError(f"unknown analyzer {analyzer!r}; one of {', '.join(ANALYZERS)}")


def terms(text: str, analyzer: str) -> list[str]:
    # full-width digits and letters (a record keeps them as the report printed them) are the
    # same terms as narrow ones: ５１７ finds 517
    return TERMS[analyzer](narrow(text or ""))


def as_field(text: str, analyzer: str) -> str:
    """The space-separated terms that go into a whitespace-tokenized tantivy field."""
    return " ".join(terms(text, analyzer))
