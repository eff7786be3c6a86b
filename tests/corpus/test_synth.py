"""The synthetic report generator: determinism, span offsets and boundary rules
(../shared/spec/labels.md), layout/unit variety, phrase variety, fact consistency
and planted inconsistencies. Checks here are written independently of the
generator's own bookkeeping: they re-derive everything from the written files."""
from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline import SEEDS_DIR
from pipeline.clean import clean_text
from pipeline.corpus.lsformat import read_tasks, task_to_example
from pipeline.corpus.synth.banks import BANK_DIR, GENERIC_WORKLOADS, MANAGEMENT_WORKLOADS, phrases, unit_kinds
from pipeline.corpus.synth.compose import MEDIA_VERBS
from pipeline.corpus.synth.generator import generate_doc, write_corpus
from pipeline.corpus.synth.layouts import LAYOUTS
from pipeline.corpus.synth.stats import corpus_stats
from pipeline.labels import load_labels
from pipeline.lexicon import first_clause

# a decimal figure that opens a span (65.47%的…) is not numbering
LEADING_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、是．.]|\d+(?:[、)]|[.．](?!\d))|[（(][一二三四五六七八九十\d]+[）)]|[①-⑩])")
CONNECTIVES = ("同时", "另外", "此外", "与此同时", "另一方面", "其次", "再者", "但")
FINAL_PUNCT = "。；;，,、！？!?：:. "
MEASURE_WORDS = ("次", "件", "篇", "期", "项", "个", "场", "场次", "人次", "名", "册", "条", "所", "户", "家", "批",
                 "批次", "份", "起", "人", "轮", "辑", "门", "节", "课时", "处", "公里", "千米", "亩", "吨", "座",
                 "辆", "台", "台次", "张", "剂次", "例", "对", "家次", "户次", "件次", "头次", "头份", "平方米",
                 "平方公里", "届", "栋", "单位", "以上", "宗", "块", "本", "套", "卷", "页", "笔")


@pytest.fixture(scope="module")
def corpus200(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth200")
    write_corpus(out, 200, 11)
    return out


@pytest.fixture(scope="module")
def examples200(corpus200):
    return [task_to_example(t) for t in read_tasks(corpus200 / "tasks.json")]


@pytest.fixture(scope="module")
def facts200(corpus200):
    return [json.loads(x) for x in (corpus200 / "facts.jsonl").read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- determinism and format
def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_corpus(a, 15, 5, inconsistent_rate=0.3, write_docs=True)
    write_corpus(b, 15, 5, inconsistent_rate=0.3, write_docs=True)
    write_corpus(c, 15, 6, inconsistent_rate=0.3)
    for name in ("tasks.json", "facts.jsonl"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
        assert (a / name).read_bytes() != (c / name).read_bytes()
    assert sorted(p.name for p in (a / "docs").iterdir()) == sorted(p.name for p in (b / "docs").iterdir())


def test_document_does_not_depend_on_corpus_size(tmp_path):
    write_corpus(tmp_path, 6, 9)
    tasks = read_tasks(tmp_path / "tasks.json")
    assert tasks[5]["data"]["text"] == generate_doc(9, 5).example.text


def test_task_format_and_docs_files(tmp_path):
    write_corpus(tmp_path, 5, 2, write_docs=True)
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    facts = [json.loads(x) for x in (tmp_path / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(tasks) == len(facts) == 5
    for task, f in zip(tasks, facts):
        data = task["data"]
        assert {"text", "doc_id", "unit", "year", "kind", "region", "layout"} <= set(data)
        assert data["doc_id"] == f["doc_id"] == hashlib.sha256(data["text"].encode("utf-8")).hexdigest()
        assert (tmp_path / "docs" / f"{data['doc_id']}.txt").read_text(encoding="utf-8") == data["text"]
        result = task["annotations"][0]["result"]
        regions = [r for r in result if r["type"] == "labels"]
        assert regions and all(r["from_name"] == "label" and r["to_name"] == "text" for r in regions)


# ---------------------------------------------------------------- spans
def test_span_offsets_index_the_text(examples200):
    labels = set(load_labels().names)
    for ex in examples200:
        assert ex.check_offsets() == []
        for s in ex.spans:
            assert s.label in labels
            assert ex.text[s.start:s.end] == s.text
        spans = sorted(ex.spans, key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:])), "spans overlap"


def test_boundary_rules(examples200, facts200):
    wrapped_docs = {f["doc_id"] for f in facts200 if "wrapped_cells" in f["noise"]}
    for ex in examples200:
        for s in ex.spans:
            t = s.text
            assert t == t.strip(), t
            assert "\n" not in t and "|" not in t, f"span crosses a line or cell: {t!r}"
            # a tab inside a span only where a wrapped cell spread its lines over columns
            assert "\t" not in t or ex.data["doc_id"] in wrapped_docs, f"span crosses a cell: {t!r}"
            assert not LEADING_NUMBERING.match(t), f"numbering inside span: {t!r}"
            assert not t.startswith(CONNECTIVES), f"leading connective inside span: {t!r}"
            assert t[-1] not in FINAL_PUNCT, f"final punctuation inside span: {t!r}"
            assert "<" not in t and "bookmark" not in t, f"markup inside span: {t!r}"


def test_spans_survive_the_cleaner(examples200):
    """The tagger trains on cleaned text: every span must map onto the same words."""
    fullwidth = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})
    for ex in examples200[:80]:
        cleaned = clean_text(ex.text)
        for s in ex.spans:
            cs, ce = cleaned.offsets.span_to_clean(s.start, s.end)
            assert cleaned.text[cs:ce] == s.text.translate(fullwidth)


def test_workload_spans_and_their_facts(examples200, facts200):
    money_rate = re.compile(r"万元|元|%|％")
    for ex, f in zip(examples200, facts200):
        spans = {s.id: s for s in ex.spans if s.label == "WORKLOAD"}
        if "pdf_lines" in f["noise"]:  # a workload broken over two lines is two spans and no fact
            assert len(f["workloads"]) <= len(spans)
        else:
            assert len(f["workloads"]) == len(spans)
        for w in f["workloads"]:
            s = spans[w["span_id"]]
            assert ex.text[w["start"]:w["end"]] == s.text == w["text"]
            assert not money_rate.search(s.text), s.text
            # the span may open with where it was published (在《…日报》刊发…), then the activity
            venue = rf"^在.{{2,12}}?(?={'|'.join(MEDIA_VERBS)})"
            assert re.sub(venue, "", s.text).startswith(w["activity"][:2]), (s.text, w["activity"])
            assert re.search(r"[\d０-９一二三四五六七八九十百千万]", s.text)
            assert w["approximate"] == bool(re.search(r"余|多|以上|近", s.text)), s.text
            assert s.text.endswith(MEASURE_WORDS) or s.text.endswith(w["activity"][-2:]), s.text


def test_workload_phrasings_vary(facts200):
    """Besides verb + object + count: the passive (信息被上级部门采用36条) and 了 after the verb."""
    acts = [w["activity"] for f in facts200 for w in f["workloads"]]
    assert sum("被" in a for a in acts) >= 10
    assert sum(len(a) > 2 and a[2] == "了" for a in acts) >= 10


def outside_workloads(examples, pattern: re.Pattern) -> int:
    """How often ``pattern`` occurs in the examples' texts; asserts that no occurrence overlaps a
    WORKLOAD span."""
    found = 0
    for ex in examples:
        covered = [(s.start, s.end) for s in ex.spans if s.label == "WORKLOAD"]
        for m in pattern.finditer(ex.text):
            found += 1
            assert not any(a < m.end() and m.start() < b for a, b in covered), m.group(0)
    return found


def test_distractor_numbers_are_left_unlabelled(examples200):
    """Money, rates and staff counts occur in narrative and are never WORKLOAD."""
    distractor = re.compile(r"\d+(?:\.\d+)?万元|\d+(?:\.\d+)?%|在职人员\d+人|内设机构\d+个|编制\d+名")
    assert outside_workloads(examples200, distractor) > 1000


def test_relations_link_problems_to_causes_and_measures(examples200):
    n = Counter()
    for ex in examples200:
        label = {s.id: s.label for s in ex.spans}
        for r in ex.relations:
            n[r.label] += 1
            expected = {"caused_by": "CAUSE", "addressed_by": "MEASURE"}[r.label]
            assert label[r.from_id] == "PROBLEM" and label[r.to_id] == expected
    assert n["caused_by"] > 100 and n["addressed_by"] > 100


def test_cause_clauses_follow_their_markers(examples200):
    """Clauses after 究其原因 / 主要原因是 are CAUSE spans, not PROBLEM."""
    checked = 0
    for ex in examples200:
        by_start = {s.start: s for s in ex.spans}
        for m in re.finditer(r"(?:究其原因[：，]|主要原因是|原因在于)(?:：)?(?:一是)?", ex.text):
            s = by_start.get(m.end())
            if s is not None:
                checked += 1
                assert s.label == "CAUSE"
    assert checked > 20


# ---------------------------------------------------------------- variety
def test_all_layouts_and_ten_unit_kinds_appear(facts200):
    assert {f["layout"] for f in facts200} == set(LAYOUTS)
    assert len({f["unit_kind"] for f in facts200}) >= 10
    assert len({f["year"] for f in facts200}) == 8
    assert len({f["region"] for f in facts200}) > 150


def test_unit_kinds_are_complete_and_well_formed():
    """Every kind in units.yaml carries every bank, workloads parse with sane ranges and known
    measure words, the level is one scope_words knows, and no sentence ends in punctuation."""
    kinds = unit_kinds()
    assert len({k.kind for k in kinds}) == len(kinds) >= 16
    raw = yaml.safe_load((BANK_DIR / "units.yaml").read_text(encoding="utf-8"))["kinds"]
    for d, k in zip(raw, kinds):
        assert k.level in ("gov", "town", "school", "hospital"), k.kind
        assert k.budget[0] < k.budget[1] and k.staff[0] < k.staff[1], k.kind
        for name in ("name_patterns", "objects", "titles", "workloads", "projects", "themes",
                     "shortfalls", "causes", "actions"):
            assert getattr(k, name), (k.kind, name)
        for spec in d["workloads"]:
            assert spec.count("|") == 5 and set(spec.rsplit("|", 1)[1]) <= {"a", "n"}, spec
        for w in k.workloads:
            assert w.verb and w.obj and 0 < w.low < w.high, (k.kind, w)
            assert all(m.endswith(MEASURE_WORDS) for m in w.measure_words), (k.kind, w)  # the span-end rule
        for name in ("objects", "titles", "projects", "themes", "shortfalls", "causes", "actions"):
            for s in getattr(k, name):
                assert isinstance(s, str) and s.strip() == s and s[-1] not in FINAL_PUNCT + "…", (k.kind, s)
        for s in k.shortfalls + k.actions:
            assert 6 <= len(s) <= 30, (k.kind, s)
        assert not any(c.startswith(("由于", "因为")) for c in k.causes), k.kind
        for name in ("objects", "shortfalls", "causes", "actions"):
            assert len(set(getattr(k, name))) == len(getattr(k, name)), (k.kind, name)


def test_phrase_variety(corpus200):
    stats = corpus_stats(corpus200)
    for label, s in stats["labels"].items():
        assert s["spans"] >= 200, label
        assert s["top_share"] < 0.05, (label, s["top_text"], s["top_share"])
        assert s["distinct"] >= 0.5 * s["spans"] or s["distinct"] >= 300, (label, s)
    assert stats["sentences"]["top_share"] < 0.02, stats["sentences"]


def test_noise_kinds_appear(examples200, facts200):
    texts = "".join(ex.text for ex in examples200)
    assert re.search(r"\d\. \d", texts)                       # OCR space in a number
    assert re.search("[\u0900-\u097f\u05d0-\u05ea]", texts)    # garbage letters
    assert "<p>" in texts and "[bookmark: _GoBack]" in texts
    assert re.search("[０-９]", texts)
    assert any("amounts_in_yuan" in f["noise"] for f in facts200)
    assert any("wrapped_cells" in f["noise"] for f in facts200)
    assert any("halfwidth_punct" in f["noise"] for f in facts200)


def test_wrapped_cells_keep_span_words_and_labels():
    import random

    from pipeline.corpus.synth.builder import DocBuilder, Piece
    from pipeline.corpus.synth.noise import Noise
    frag = [Piece("1."), Piece("部分绩效指标设置不够细化", "PROBLEM", "p"), Piece("。"),
            Piece("完善绩效指标体系", "MEASURE", "m"), Piece("。")]
    seen_tab_in_span = False
    for seed in range(30):
        b = DocBuilder()
        b.frag(Noise(random.Random(seed), wrapped_cells=True).wrap_cell(frag))
        assert b.text.replace("\t", "") == "1.部分绩效指标设置不够细化。完善绩效指标体系。"
        assert [(s.label, s.text.replace("\t", "")) for s in b.spans] == [
            ("PROBLEM", "部分绩效指标设置不够细化"), ("MEASURE", "完善绩效指标体系")]
        for s in b.spans:
            assert b.text[s.start:s.end] == s.text and s.text == s.text.strip()  # no tab at an edge
            seen_tab_in_span |= "\t" in s.text
    assert seen_tab_in_span
    assert Noise(random.Random(0)).wrap_cell(frag) == frag     # off unless drawn


def test_a_wrapped_cells_tab_never_falls_inside_a_number():
    """The cleaner joins a number a tab cut (「89\t.79%」 → 「89.79%」), so a span's words would
    not be the words trained on: the tab waits for the number's end, as break_lines does."""
    import random

    from pipeline.corpus.synth.builder import DocBuilder, Piece
    from pipeline.corpus.synth.noise import Noise
    frag = [Piece("全年完成率为89.79%，其中12,345个项目尚未完工", "PROBLEM", "p"), Piece("。")]
    for seed in range(40):
        b = DocBuilder()
        b.frag(Noise(random.Random(seed), wrapped_cells=True).wrap_cell(frag))
        assert not re.search(r"[\d.,]\t[\d.,]", b.text), b.text
        (s,) = b.spans
        cleaned = clean_text(b.text)
        cs, ce = cleaned.offsets.span_to_clean(s.start, s.end)
        assert cleaned.text[cs:ce] == s.text


def test_halfwidth_punctuation_noise_keeps_spans_and_their_extent():
    import random

    from pipeline.corpus.synth.builder import DocBuilder, Piece
    from pipeline.corpus.synth.noise import Noise
    frag = [Piece("一是"), Piece("健全绩效指标体系，科学设置指标值", "MEASURE", "m"), Piece("；二是"),
            Piece("细化预算", "MEASURE", "n"), Piece("。")]
    b = DocBuilder()
    b.frag(Noise(random.Random(3), halfwidth_punct=True).punctuation(frag))
    assert "，" not in b.text and "；" not in b.text and re.search(r"体系,科学.*指标值;", b.text)
    assert [(s.label, s.text) for s in b.spans] == [("MEASURE", "健全绩效指标体系,科学设置指标值"), ("MEASURE", "细化预算")]
    assert all(b.text[s.start:s.end] == s.text for s in b.spans)
    assert Noise(random.Random(0)).punctuation(frag) == frag   # off unless drawn


def test_a_split_figure_cell_breaks_only_at_its_decimal_point():
    import random

    from pipeline.corpus.synth.noise import Noise
    for seed in range(200):
        parts = Noise(random.Random(seed), broken_cells=True).split_cell("92.34%")
        assert parts in (["92.34%"], ["92", ".34%"])



def test_a_split_count_cell_keeps_its_number_whole():
    """A broken cell (「1412人次」) never breaks inside its number: 「141 | 2人次」 reads another count,
    and a consistent document would then carry a false finding."""
    import random

    from pipeline.corpus.synth.noise import Noise
    for seed in range(200):
        parts = Noise(random.Random(seed), broken_cells=True).split_cell("≥1412人次")
        assert "".join(parts) == "≥1412人次" and any("1412" in p for p in parts), parts

def test_measures_are_one_span_per_sentence_not_per_comma_clause(examples200):
    """guidelines §5: the clauses of one sentence of measures are one span; two MEASURE spans
    are never separated by a bare comma. Every measure shape the generator knows appears."""
    shapes = Counter()
    for ex in examples200:
        ms = sorted((s for s in ex.spans if s.label == "MEASURE"), key=lambda s: s.start)
        for x, y in zip(ms, ms[1:]):
            assert ex.text[x.end:y.start] not in ("，", ","), (ex.text[x.start:y.end])
        for s in ms:
            before = ex.text[max(0, s.start - 3):s.start]
            shapes["cell_yishi" if re.search(r"\t一是$", before) else
                   "many_clauses" if len(re.findall("[，,]", s.text)) >= 3 else "other"] += 1
    assert shapes["cell_yishi"] >= 5 and shapes["many_clauses"] >= 50, shapes


# ---------------------------------------------------------------- facts
def violations(f: dict) -> set[str]:
    """Inconsistencies visible in one document's facts, derived independently."""
    out, b = set(), f["budget"]
    close = lambda x, y, tol=0.011: abs(x - y) <= tol  # noqa: E731
    parts = ("carryover", "initial", "adjustment", "other_adjustment")
    if "budgeted" in b and all(p in b for p in parts) and not close(b["budgeted"], sum(b[p] for p in parts), 0.03):
        out.add("sum_mismatch")
    if all(k in b for k in ("expenditure", "basic_expenditure", "project_expenditure")) and \
            not close(b["expenditure"], b["basic_expenditure"] + b["project_expenditure"]):
        out.add("sum_mismatch")
    if all(k in b for k in ("executed", "basic_expenditure", "project_expenditure")) and \
            not close(b["executed"], b["basic_expenditure"] + b["project_expenditure"]):
        out.add("sum_mismatch")
    if all(k in b for k in ("income", "fiscal_appropriation_income", "other_income")):
        assert close(b["income"], b["fiscal_appropriation_income"] + b["other_income"])
    if all(k in b for k in ("execution_rate", "executed", "budgeted")) and \
            not close(b["execution_rate"], b["executed"] / b["budgeted"] * 100, 0.02):
        out.add("rate_mismatch")
    if all(k in b for k in ("balance", "executed", "budgeted")) and not close(b["balance"], b["budgeted"] - b["executed"]):
        out.add("balance_mismatch")
    if any(i["score"] > i["weight"] + 1e-9 for i in f["indicators"]):
        out.add("score_mismatch")
    overall = [i for i in f["indicators"] if i["project"] is None]
    if f["total_score"] is not None and overall and not close(f["total_score"], sum(i["score"] for i in overall)):
        out.add("total_mismatch")
    if f["grade"] is not None:
        expected = next(g for g, low in f["grade_scale"] if f["total_score"] >= low)
        if f["grade"] != expected:
            out.add("grade_mismatch")
    return out


def test_facts_are_consistent_without_planting(facts200):
    stated_total = 0
    for f in facts200:
        assert f["planted"] == []
        assert violations(f) == set(), (f["doc_id"], violations(f))
        if f["total_score"] is not None:
            stated_total += 1
        overall = [i for i in f["indicators"] if i["project"] is None]
        if overall:
            assert sum(i["weight"] for i in overall) == pytest.approx(100)
        if f["projects"] and "project_expenditure" in f["budget"]:
            assert sum(p["executed"] for p in f["projects"]) == pytest.approx(f["budget"]["project_expenditure"], abs=0.011)
        for p in f["projects"]:
            own = [i for i in f["indicators"] if i["project"] == p["name"]]
            if own:
                assert p["score"] == pytest.approx(sum(i["score"] for i in own), abs=0.011)
    assert stated_total > 150


def test_facts_match_the_text(examples200, facts200):
    """Stated amounts really are in the text (after cleaning, commas dropped)."""
    for ex, f in list(zip(examples200, facts200))[:80]:
        text = re.sub(r"(?<=\d),(?=\d{3})", "", clean_text(ex.text).text)
        in_yuan = "amounts_in_yuan" in f["noise"]
        for key in ("executed", "initial", "project_expenditure"):
            if key in f["budget"]:
                v = f["budget"][key]
                assert f"{v:.2f}" in text or (in_yuan and f"{v * 10000:.2f}" in text), (key, v)
        if f["total_score"] is not None:
            assert f"{f['total_score']:g}" in text or f"{f['total_score']:.2f}" in text


def test_planted_inconsistencies_are_recorded_and_real(tmp_path):
    write_corpus(tmp_path, 120, 4, inconsistent_rate=0.5)
    tasks = read_tasks(tmp_path / "tasks.json")
    facts = [json.loads(x) for x in (tmp_path / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    planted_docs = [f for f in facts if f["planted"]]
    assert 35 <= len(planted_docs) <= 85
    kinds = Counter()
    for task, f in zip(tasks, facts):
        found = violations(f)
        if not f["planted"]:
            assert found == set(), f["doc_id"]
            continue
        for p in f["planted"]:
            kinds[p["kind"]] += 1
            if p["kind"] == "narrative_table_mismatch":
                text = re.sub(r"(?<=\d),(?=\d{3})", "", clean_text(task["data"]["text"]).text)
                assert f"{p['detail']['narrative']:.2f}" in text
                assert p["detail"]["narrative"] != p["detail"]["table"]
            else:
                assert p["kind"] in found, (p, found)
    assert len(kinds) >= 5, kinds


# ---------------------------------------------------------------- CLI and provenance
def test_cli_synth_and_stats(tmp_path):
    from pipeline.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["synth", "--n", "12", "--seed", "3", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["synth-stats", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "c" / "stats.json").read_text(encoding="utf-8"))
    assert stats["docs"] == 12 and set(stats["labels"]) == set(load_labels().names)


def test_no_long_passage_shared_with_the_seeds():
    """Generated sentences are composed by us: no 14-character run of a seed report recurs
    (short shared phrases such as document-kind names and headings are expected)."""
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds not present")
    n = 14
    grams = set()
    for path in SEEDS_DIR.glob("*.txt"):
        s = path.read_text(encoding="utf-8")
        grams.update(s[i:i + n] for i in range(len(s) - n + 1))
    shared = Counter()
    for i in range(60):
        text = generate_doc(21, i).example.text.replace("[bookmark: _GoBack]", "")
        shared.update(g for g in (text[j:j + n] for j in range(len(text) - n + 1))
                      if g in grams and "\t" not in g and "\n" not in g)
    allowed = ("部门整体支出", "人民代表大会常务委员会", "中华人民共和国", "整体支出预算绩效自评", "存在的主要问题及原因分析",
               "整体支出绩效自评", "万元，其中：流动资产", "万元，其中：财政拨款收入")
    # a doc kind after a year; the standard asset and income breakdowns (a random amount may end like a seed's)
    leftover = {g: c for g, c in shared.items() if not any(a in g for a in allowed)}
    assert not leftover, leftover


# ---------------------------------------------------------------- phenomena of reports never seen
def test_pdf_line_breaks_cut_spans_into_one_span_per_line():
    from pipeline.corpus.synth.builder import DocBuilder, Piece
    from pipeline.corpus.synth.noise import break_lines

    frag = [Piece("1、"), Piece("部分项目的支出进度相对滞后，年末集中支付压力较大", "PROBLEM", "P0"), Piece("。"),
            Piece("全年"), Piece("培训基层人员1,280人次", "WORKLOAD", "W0"), Piece("。")]
    b = DocBuilder()
    b.frag(break_lines(frag, 12))
    lines = b.text.split("\n")
    assert "".join(lines) == "".join(p.text for p in frag)
    assert all(len(x) <= 12 + 6 for x in lines[:-1]), lines  # the width, plus hanging punctuation or a whole figure
    assert not any(x.startswith(("，", "。")) for x in lines[1:]), lines
    problem = [s for s in b.spans if s.label == "PROBLEM"]
    assert len(problem) >= 2 and "".join(s.text for s in problem).replace("，", "") == \
        "部分项目的支出进度相对滞后年末集中支付压力较大"
    assert all(not s.text.endswith("，") and not s.text.startswith("，") for s in b.spans)
    assert b.key_to_id["P0"] == problem[0].id                  # relations keep the first piece
    assert any(s.label == "WORKLOAD" and "1,280" in s.text for s in b.spans), "a figure is never cut"


def test_phenomena_of_unseen_layouts_appear(examples200, facts200):
    """What the development set showed the tagger had never seen: problems with their cause
    and measure in one paragraph, deviation cells of indicator tables, PDF line breaks,
    web-page boilerplate, problems about the unit's own work, housekeeping workloads."""
    texts = [ex.text for ex in examples200]
    bridged = deviation = own = 0
    for ex in examples200:
        by_start = {s.start: s for s in ex.spans}
        for m in re.finditer("|".join(map(re.escape, phrases()["domain"]["measure_bridges"])), ex.text):
            bridged += by_start.get(m.end()) is not None and by_start[m.end()].label == "MEASURE"
        for m in re.finditer(r"\t(?:偏差原因分析及改进措施|偏差原因及改进措施|未完成原因分析)\n", ex.text):
            deviation += 1
    kinds = {k.kind: k for k in unit_kinds()}
    for ex, f in zip(examples200, facts200):
        objects = kinds[f["unit_kind"]].objects
        own += sum(s.label == "PROBLEM" and any(o in s.text for o in objects) for s in ex.spans)
    assert bridged >= 30 and deviation >= 5 and own >= 30, (bridged, deviation, own)
    assert sum("pdf_lines" in f["noise"] for f in facts200) >= 10
    assert sum(bool(re.search(r"发布时间|发布日期|首页|打印|分享到|相关附件|主办单位|网站标识码", t)) for t in texts) >= 5
    # the unit's housekeeping work: in about 3.5 % of documents (39 and 33 of 1,000 with seed 11 before
    # and after the 2026-12-07 bank additions; 2-9 of 200 over seeds 11-16)
    assert sum(bool(re.search(r"实施政府采购项目|开展内部审计|清理往来款项", t)) for t in texts) >= 2
    assert all(m.lstrip("万").endswith(MEASURE_WORDS) for w in (*GENERIC_WORKLOADS, *MANAGEMENT_WORKLOADS)
               for m in w.measure_words)


def test_inline_numbered_lists_and_title_paragraphs_worded_as_duties(examples200):
    """Lists numbered inside one paragraph with ； between items (functions after a sentence on
    the unit, problems with their causes), explanatory paragraphs under title-only duties that
    read like duties (O text), and negated-incident sentences that are achievements (O text)."""
    inline_functions = inline_problems = duty_paragraphs = 0
    for ex in examples200:
        spans = sorted(ex.spans, key=lambda s: s.start)
        for a, b in zip(spans, spans[1:]):
            gap = ex.text[a.end:b.start]
            if a.label == b.label == "FUNCTION" and re.fullmatch(r"；(?:\d+[.、．]|[（(]\d+[）)]|[①-⑩])", gap):
                inline_functions += 1
            if a.label in ("PROBLEM", "CAUSE") and b.label == "PROBLEM" and re.fullmatch(r"；\d+[.、．)]|；[（(][一二三四五六七八九\d]+[）)]", gap):
                inline_problems += 1
        for s in spans:
            if s.label != "FUNCTION":
                continue
            # the next line after a title line, when it reads as a duty and no span starts there
            line_start = ex.text.find("\n", s.end) + 1
            if line_start and ex.text.startswith("负责", line_start) and not any(t.start == line_start for t in spans):
                duty_paragraphs += 1
    assert inline_functions >= 5 and inline_problems >= 5 and duty_paragraphs >= 3, \
        (inline_functions, inline_problems, duty_paragraphs)
    clean = [m for ex in examples200 for m in re.finditer(r"未发生[^，。；]*事故|未发现资金挤占挪用问题", ex.text)]
    assert len(clean) >= 5
    for ex in examples200:
        for m in re.finditer(r"未发生[^，。；]*事故|未发现资金挤占挪用问题", ex.text):
            assert not any(s.start <= m.start() < s.end and s.label == "PROBLEM" for s in ex.spans)


def test_problems_cite_their_figures_and_state_weaknesses(examples200):
    """A problem cites its evidence inside its span (…偏慢，部分项目执行率仅为80.15%), and states
    weaknesses in the words causes also use (较为薄弱, 较为单一, 偏重…): the position after a cause
    marker, not the wording, makes a CAUSE."""
    problems = [s.text for ex in examples200 for s in ex.spans if s.label == "PROBLEM"]
    assert sum(bool(re.search(r"，[^，]*\d+(?:\.\d+)?(?:%|万元|个百分点|个项目)", p)) for p in problems) >= 20
    assert sum(bool(re.search(r"较为薄弱|较为单一|偏重工作量|效益类指标偏少", p)) for p in problems) >= 20


@pytest.fixture(scope="module")
def examples_switched_off(tmp_path_factory) -> list:
    """A small corpus with problems of more than one clause, the sector's results, the project
    forms' goal rows, work named without its count, unmarked causes, causes before their problem and
    causes led by their problem's name switched off (phrases.yaml: problem_more.share 0, `outcome`
    and `object_rate` left out of distractor_draw, goal_form.share 0, uncounted_work.share 0,
    unmarked_causes.share 0, cause_first.share 0, named_causes.share 0),
    as the data of the models before them: the phenomena's tests compare the default corpus with it."""
    more, draw, goal = phrases()["problem_more"], phrases()["distractor_draw"], phrases()["goal_form"]
    uncounted, unmarked = phrases()["uncounted_work"], phrases()["unmarked_causes"]
    first, named = phrases()["cause_first"], phrases()["named_causes"]
    saved = (more["share"], list(draw), goal["share"], uncounted["share"], unmarked["share"], first["share"],
             named["share"])
    more["share"] = goal["share"] = uncounted["share"] = unmarked["share"] = first["share"] = named["share"] = 0.0
    draw[:] = [g for g in draw if g not in ("outcome", "object_rate")]
    try:
        out = tmp_path_factory.mktemp("synth_off")
        write_corpus(out, 80, 5)
    finally:
        more["share"], draw[:], goal["share"], uncounted["share"], unmarked["share"], first["share"], \
            named["share"] = saved
    return [task_to_example(t) for t in read_tasks(out / "tasks.json")]


def test_a_report_states_each_problem_once_and_may_restate_it_in_its_conclusion(examples200):
    """The problems section never states the same shortfall twice (a draw that repeats one is drawn
    anew: a repeated problem made the gold link of 「关于A的问题，…」 ambiguous); the conclusion may
    restate a problem once (「…自评得分…分…但…」)."""
    for ex in examples200:
        by_clause: dict[str, list] = {}
        for s in sorted(ex.spans, key=lambda s: s.start):
            if s.label == "PROBLEM":
                by_clause.setdefault(first_clause(s.text), []).append(s)
        for clause, spans in by_clause.items():
            if len(spans) > 1:
                assert len(spans) == 2, [s.text for s in spans]
                assert "得分" in ex.text[max(0, spans[1].start - 200):spans[1].start], clause


def test_problems_of_more_than_one_clause_are_one_span(examples200, examples_switched_off):
    """A problem may run over three or more comma clauses (a shortfall and two figures, or two
    shortfalls of one topic) and still be one PROBLEM span up to its 。 or ； (phrases.yaml
    problem_more); switched off (share 0), far fewer problems do."""
    def problems(examples):
        return [s.text for ex in examples for s in ex.spans if s.label == "PROBLEM"]

    def many_clauses(texts):
        return sum(len(re.split(r"[，,]", p)) >= 3 for p in texts) / len(texts)

    on, off = problems(examples200), problems(examples_switched_off)
    assert many_clauses(on) >= 0.08 and many_clauses(on) >= many_clauses(off) + 0.05
    assert not [p for p in on if re.search(r"[。；;]", p)]


def test_a_cause_under_a_heading_that_names_causes_may_go_unmarked(examples200, examples_switched_off):
    """Under a heading that names causes (存在的主要问题及原因分析), a problem's cause may follow it as a
    plain sentence with no marker (phrases.yaml unmarked_causes): a CAUSE right after a PROBLEM and
    its 。, not opening with 由于/因 (a self-contained cause keeps that head in its span); switched off,
    far fewer are so written (those left are deviation cells, whose column names the cause)."""
    def unmarked(examples):
        found = []
        for ex in examples:
            spans = sorted(ex.spans, key=lambda s: s.start)
            for a, b in zip(spans, spans[1:]):
                # (「受…影响，…」 marks itself, as 由于/因 do: compose.domain_cause_text)
                if a.label == "PROBLEM" and b.label == "CAUSE" and ex.text[a.end:b.start] == "。" \
                        and not b.text.startswith((*phrases()["cause_inline_heads"], "受")):
                    found.append((ex, b))
        return found

    on, off = unmarked(examples200), unmarked(examples_switched_off)
    rate_on, rate_off = len(on) / len(examples200), len(off) / len(examples_switched_off)
    assert rate_on >= 0.1 and rate_on >= rate_off + 0.07, (rate_on, rate_off)
    # in prose (not a table's cell: a 备注 column's deviation cells may leave the cause unmarked too),
    # each under a heading that names causes
    prose = [(ex, c) for ex, c in on
             if not any(sep in ex.text[ex.text.rfind("\n", 0, c.start) + 1:c.start] for sep in ("\t", "|", "  "))]
    assert len(prose) >= 10
    for ex, cause in prose:
        before = ex.text[:cause.start]
        # (OCR noise may drop a character of the heading: 「问题及因分析」)
        assert "原因" in before or "因分析" in before, before[-200:]


def test_a_cause_may_come_before_its_problem_in_one_sentence(examples200, examples_switched_off):
    """「由于…，…。」 / 「因…，导致…。」 (phrases.yaml cause_first): the CAUSE keeps its 由于/因 head, the
    comma and the connective are in neither span, the PROBLEM runs to the sentence's end; switched off,
    the corpus has far fewer (those left are a cause's own clause before the next problem)."""
    heads = tuple(phrases()["cause_inline_heads"])
    joints = {"，" + link for link in phrases()["cause_first"]["links"]}

    def cause_first(examples):
        found = []
        for ex in examples:
            spans = sorted(ex.spans, key=lambda s: s.start)
            for a, b in zip(spans, spans[1:]):
                if a.label == "CAUSE" and b.label == "PROBLEM" and a.text.startswith(heads) \
                        and ex.text[a.end:b.start] in joints:
                    found.append((ex, a, b))
        return found

    on, off = cause_first(examples200), cause_first(examples_switched_off)
    rate_on, rate_off = len(on) / len(examples200), len(off) / len(examples_switched_off)
    # per document 0.08-0.135 over seeds 11-13 (0.06-0.11 since the swapped verbs' draws), 0 switched off
    assert rate_on >= 0.05 and rate_on >= rate_off + 0.04, (rate_on, rate_off)
    for ex, cause, problem in on:
        assert not any(link in cause.text for link in ("导致", "造成", "使得", "致使")), cause.text
        assert not re.search(r"[。；]", cause.text + problem.text), ex.text[cause.start:problem.end + 1]


def test_a_cause_may_be_led_by_the_name_of_its_problem(examples200, examples_switched_off):
    """「关于{a problem's first clause}的问题，主要原因是{cause}。」 after the problems were listed
    (phrases.yaml named_causes): the name restates a PROBLEM stated before it and is in no span, a
    CAUSE follows the marker, and the gold links that cause to the named problem; switched off,
    the corpus has none."""
    nc = phrases()["named_causes"]
    lead = re.compile("(?:{})(?P<name>[^，。；\n]+?)(?:{})(?:{})".format(
        "|".join(nc["openers"]), "|".join(re.escape(t) for t in nc["tails"]), "|".join(nc["markers"])))

    def named(examples):
        found = []
        for ex in examples:
            for m in lead.finditer(ex.text):
                found.append((ex, m))
        return found

    on, off = named(examples200), named(examples_switched_off)
    assert len(on) / len(examples200) >= 0.1 and not off, (len(on), len(off))
    for ex, m in on:
        assert not [s for s in ex.spans if s.start < m.end() and m.start() < s.end], m.group(0)
        cause = next(s for s in ex.spans if s.start == m.end())
        assert cause.label == "CAUSE"
        # (a line broken mid-sentence splits a problem into pieces: the name then starts with the first)
        # (and a problem stated twice, in prose and in a table, may be linked at either statement)
        problems = [s for s in ex.spans if s.label == "PROBLEM"
                    and (s.text.startswith(m.group("name")) or m.group("name").startswith(s.text))]
        links = {(r.from_id, r.to_id, r.label) for r in ex.relations}
        assert any((p.id, cause.id, "caused_by") in links for p in problems), m.group(0)


def test_what_the_sector_produced_is_no_workload(examples200, examples_switched_off):
    """What the sector or the area produced over the year (产量, 接待量, 存栏量 …: distractors.outcome)
    is cited in narrative and never WORKLOAD; switched off, the corpus cites it far less."""
    outcome = re.compile(r"(?:产量|接待量|存栏量|客运量|访问量|日处理量)(?:达到)?\d+(?:\.\d+)?万?(?:吨|人次|头)")
    on, off = (outside_workloads(ex, outcome) / len(ex) for ex in (examples200, examples_switched_off))
    assert on >= 0.05 and on >= 2 * off + 0.03, (on, off)


def test_a_rate_about_the_units_own_objects_is_no_workload(examples200, examples_switched_off):
    """A rate or a change in percent about the objects the unit works on (…覆盖率达到98%, …相关投诉同比
    下降3.2%: distractors.object_rate) opens with a noun that WORKLOAD spans carry and is never one;
    switched off, the corpus has far fewer of them, and no WORKLOAD ends in a rate noun."""
    rates = "|".join(phrases()["rate_nouns"])
    objects = "|".join(sorted({re.escape(w.obj) for k in unit_kinds() for w in k.workloads}, key=len, reverse=True))
    about_object = re.compile(rf"(?:{objects})(?:{rates}|相关投诉同比下降)(?:达到|保持在|为|较上年提高)?\d+(?:\.\d+)?(?:%|个百分点)")
    on, off = (outside_workloads(ex, about_object) / len(ex) for ex in (examples200, examples_switched_off))
    assert on >= 0.1 and on >= 2 * off + 0.05, (on, off)
    assert not [s.text for ex in examples200 for s in ex.spans
                if s.label == "WORKLOAD" and re.search(rf"(?:{rates})\d", s.text)]


def test_work_named_without_its_count_is_no_workload(examples200, examples_switched_off):
    """Work the unit names without a count among its counted work (「常态化开展…检查，全年…」, 「查办…、
    处置…等工作」: phrases.yaml uncounted_work) is never WORKLOAD; switched off, the corpus has far
    fewer such clauses."""
    manners = "|".join(m for m in phrases()["uncounted_work"]["manners"] if m)
    activities = "|".join(sorted({re.escape(i.verb + i.obj) for k in unit_kinds() for i in k.workloads if i.obj},
                                 key=len, reverse=True))
    uncounted = re.compile(rf"(?:{manners})(?:{activities})(?:、(?:{activities}))?(?:等?工作)?(?=[，；。])")
    on, off = (outside_workloads(ex, uncounted) / len(ex) for ex in (examples200, examples_switched_off))
    assert on >= 0.3 and on >= 2 * off + 0.2, (on, off)


def test_a_count_of_nothing_or_in_a_plans_clause_is_no_workload(examples200):
    """「…事故0起」 (an outcome) and a count after 力争, 计划, 确保…前, 预计 or 拟 (distractors.plan: still to
    be done) stand in narrative and are never WORKLOAD."""
    zero = re.compile(r"(?:事故|投诉)0[起件]")   # in narrative (an indicator cell holds 0起 alone)
    plan = re.compile(r"(?:力争|计划明年|确保\d+月底前|预计|拟于)[^，。；\n]{0,16}?\d+[项个处次场]")
    assert outside_workloads(examples200, zero) >= 5
    assert outside_workloads(examples200, plan) >= 20


def test_work_paragraphs_open_with_the_work_under_a_themes_title(examples200):
    """A paragraph of the year's work often starts straight with a WORKLOAD after its theme's
    title in the same line: 「（五）…。」, bold in Markdown 「**（五）…。**」, or 「2.…方面，」;
    objects may carry a number of their own (为80至89周岁老年人…, 12345热线…)."""
    title = re.compile(r"(?m)^(?:\*\*)?(?:\d+[.、．]|[（(][一二三四五六七八九\d]+[）)]|[①-⑩])[^\n，。*]{2,24}(?:。(?:\*\*)? ?|方面，)")
    direct = bold = aspect = 0
    for ex in examples200:
        starts = [s.start for s in ex.spans if s.label == "WORKLOAD"]
        for m in title.finditer(ex.text):
            # the work itself, or after a lead of a few characters (全年共, 累计)
            if any(0 <= a - m.end() <= 6 and not re.search(r"[，。；：\n]", ex.text[m.end():a]) for a in starts):
                direct += 1
                bold += m.group(0).startswith("**")
                aspect += m.group(0).endswith("方面，")
    # counts of a random draw over 200 documents (direct 5-15, bold 1-5, aspect 1-5 over seeds 11-16 with
    # the banks of 2026-12-07): the bound says the phenomenon is there, not how often one stream draws it
    assert direct >= 5 and bold >= 1 and aspect >= 1, (direct, bold, aspect)
    inner = [s.text for ex in examples200 for s in ex.spans
             if s.label == "WORKLOAD" and re.search(r"\d[\u4e00-\u9fff“”·]+\d", s.text)]
    assert len(inner) >= 3, inner
    # counts above ten written in words (二十四次), which some reports use throughout
    worded = [s.text for ex in examples200 for s in ex.spans
              if s.label == "WORKLOAD" and re.search(r"(?<![\d一二三四五六七八九十百千万])(?:[二三四五六七八九]十[一二三四五六七八九]?|十[一二三四五六七八九])(?![余多百千万])[\u4e00-\u9fff]", s.text)]
    assert len(worded) >= 5, worded


def _line_at(text: str, pos: int) -> str:
    return text[text.rfind("\n", 0, pos) + 1:(text.find("\n", pos) + 1 or len(text) + 1) - 1]


def test_functions_after_a_particulars_table_and_causes_after_zhuyaoshi(examples200):
    """Functions listed after a table of the unit's particulars and a lead line (「部门主要职责：」)
    with no 职能 heading; a cause introduced by 主要是 alone (the marker outside the span)."""
    after_table = zhuyaoshi = 0
    for ex in examples200:
        for m in re.finditer(r"内设机构\W{0,6}\d+个[^\n]*\n+(?:[^\n]*\n+)?[^\n]{0,40}(?:职责|职能)[^\n]{0,6}[：:]\n", ex.text):
            after_table += any(s.label == "FUNCTION" and 0 <= s.start - m.end() <= 8 for s in ex.spans)
        zhuyaoshi += sum(ex.text[max(0, s.start - 3):s.start] == "主要是" for s in ex.spans if s.label == "CAUSE"
                         and not re.search(r"[\t|,]|<t", _line_at(ex.text, s.start)))  # in prose, not a table's cell
    # 主要是 also leads causes in tables' deviation cells and after a comma (render.py), so the
    # count alone cannot tell whether the prose markers carry it: 32 / 52 / 37 over corpus seeds
    # 11-13 with it, 24 / 35 / 29 with it taken out of cause_markers. The bound says the
    # phenomenon is there; the marker list says where it comes from.
    assert "主要是" in phrases()["cause_markers"]
    assert after_table >= 2 and zhuyaoshi >= 25, (after_table, zhuyaoshi)


def test_workload_objects_beyond_the_banks_nouns(examples200):
    """A WORKLOAD's object is often more than a noun: a list of kinds closed by 等 (开展A、B等活动),
    a campaign's quoted name, or the places the work was done in (A镇、B镇两个镇…). The span
    still runs from the verb to the measure word, so the list and the quotes lie inside it."""
    spans = [s.text for ex in examples200 for s in ex.spans if s.label == "WORKLOAD"]
    listed = [t for t in spans if re.search(r"[\u4e00-\u9fff]、[\u4e00-\u9fff]+等", t)]
    quoted = [t for t in spans if re.search(r"“[^”]+”", t)]
    places = [t for t in spans if re.search(r"(?:镇|乡|村|社区|街道)、[\u4e00-\u9fff]{2}(?:镇|乡|村|社区|街道)", t)]
    assert len(listed) >= 20 and len(quoted) >= 20 and len(places) >= 20, (len(listed), len(quoted), len(places))
    # the span ends at the count's measure word, after the elaborated object (a span cut by a
    # PDF line break ends early: one span per line)
    counted = [t for t in listed + quoted + places if re.search(r"[\d一二三四五六七八九十百千万]", t)]
    assert len(counted) >= 0.9 * len(listed + quoted + places)


def test_whose_object_it_is_stands_inside_the_span_after_its_verb(examples200):
    """Whose or where the object is (workload_objects.owners) stands between the verb and the
    object, inside the WORKLOAD, which still opens with the activity, not with the owner."""
    owners = phrases()["workload_objects"]["owners"]
    # (a span a PDF line break cut in two is one span per line: the second opens the line)
    owned = [s.text for ex in examples200 for s in ex.spans if s.label == "WORKLOAD"
             and any(o in s.text for o in owners) and ex.text[s.start - 1:s.start] != "\n"]
    assert len(owned) >= 20, len(owned)
    assert not any(t.startswith(tuple(owners)) for t in owned), owned


def test_work_counted_by_who_took_part_or_where_runs_past_its_count(examples200, facts200):
    """「组织12名业务骨干参加技能比武」, 「完成23个自然村户厕改造」 (counted_first): the count stands
    inside the activity and the span runs to the activity's end; the fact keeps the count and
    the measure word of the people or places."""
    cf = phrases()["counted_first"]
    tails = tuple(cf["events"] + cf["place_works"])
    found = 0
    for ex, f in zip(examples200, facts200):
        spans = {s.id: ex.text[s.start:s.end] for s in ex.spans if s.label == "WORKLOAD"}
        for w in f["workloads"]:
            text = spans[w["span_id"]]
            if not text.endswith(tails):
                continue
            found += 1
            assert text.startswith(tuple(cf["people_verbs"] + cf["place_verbs"])), text
            assert w["unit"] in ("名", "个") and re.search(r"[\d０-９一二三四五六七八九十百千](?:余|多|以上)?" + w["unit"], text), (text, w)
    assert found >= 15, found


def test_a_deviation_cells_cause_may_follow_its_shortfall_unmarked(examples200):
    """The column says why (偏差原因): a sentence after the shortfall is its CAUSE with no 主要原因是
    (domain.deviation_cause_leads), and the cause does not open with 由于/因 either."""
    heads = tuple(phrases()["cause_inline_heads"])
    unmarked = 0
    for ex in examples200:
        spans = sorted(ex.spans, key=lambda s: s.start)
        for a, b in zip(spans, spans[1:]):
            unmarked += (a.label == "PROBLEM" and b.label == "CAUSE" and ex.text[a.end:b.start] == "。"
                         and not ex.text[b.start:b.end].startswith(heads))
    assert unmarked >= 5, unmarked


def test_phrases_before_a_workloads_verb_stay_outside_its_span(examples200):
    """Who, where, how or for whom the work was done comes before the verb (为困难群众提供…,
    依托…平台开展…, 会同…部门…): the span starts at the activity, so the generator writes such
    frames outside it, and as often measures that open with a preposition (与…建立…, 把…纳入…,
    对…实行…) and problems that open with whom they concern (本级…, 下属单位…), inside theirs."""
    frames = phrases()["workload_frames"]
    framed = 0
    for ex in examples200:
        for s in ex.spans:
            if s.label != "WORKLOAD":
                continue
            before = ex.text[max(0, s.start - 14):s.start]
            words = [w for k in ("beneficiary", "platform", "fund", "partner", "subunit") for w in frames[k]]
            if any(before.endswith(w) or before.endswith(w + "全年") for w in words) or before.endswith("期间"):
                framed += 1
                assert not ex.text[s.start:s.end].startswith(("为", "依托", "会同", "配合", "利用")), ex.text[s.start:s.end]
    assert framed >= 40, framed
    measures = [ex.text[s.start:s.end] for ex in examples200 for s in ex.spans if s.label == "MEASURE"]
    assert sum(m.startswith(("与", "把", "对", "以", "围绕", "从")) for m in measures) >= 30
    problems = [ex.text[s.start:s.end] for ex in examples200 for s in ex.spans if s.label == "PROBLEM"]
    assert sum(p.startswith(tuple(x for x in phrases()["domain"]["problem_scopes"] if x)) for p in problems) >= 20


def test_every_doer_the_generator_writes_before_its_time_word_is_one_the_tagger_knows():
    """「{subunit}全年…」: the generator leaves the doer and 全年 outside the WORKLOAD, and so does
    refine_workload for a doer that pipeline.lexicon.DOER_END knows: the two agree."""
    from pipeline.lexicon import DOER_END
    assert [w for w in phrases()["workload_frames"]["subunit"] if not DOER_END.search(w)] == []


def test_spans_that_open_with_a_figure_and_workloads_with_two_verbs(examples200):
    """A problem or cause opens with a count or a date as often as with a noun (3个项目未能…,
    6月下旬至7月中旬…), a function title with a hotline's number (12345热线管理), a workload with
    two verbs (组织实施…, 更换维修…): the span starts at the figure or the first verb. Without them
    the model read a leading figure as list numbering and cut it off (issue 14)."""
    opening = {label: 0 for label in ("PROBLEM", "CAUSE", "FUNCTION")}
    coverbs = phrases()["workload_coverbs"]["before"]
    compound = 0
    for ex in examples200:
        for s in ex.spans:
            text = ex.text[s.start:s.end]
            if s.label in opening and text[:1].isdigit():
                opening[s.label] += 1
                # a figure that opens a span is never list numbering (「1.」「2、」)
                assert not re.match(r"\d+[.、．]\D", text), text
            if s.label == "WORKLOAD" and any(text.startswith(c + v) for v, cs in coverbs.items() for c in cs):
                compound += 1
    # hotline titles belong to six kinds' title lists: rare in 200 documents (0-4 over seeds 11-16), so
    # the bank is checked for them instead of one draw
    assert opening["PROBLEM"] >= 10 and opening["CAUSE"] >= 10, opening
    assert sum(t[:1].isdigit() for k in unit_kinds() for t in k.titles) >= 6
    assert compound >= 20, compound


def test_workloads_opened_by_a_manner_word_or_a_general_verb_keep_it_inside(examples200):
    """How the work was done (集中清理…, 依法查处…) and a general verb before the work named as a
    noun (完成…审批27件) belong to the activity: the span starts there, while a frame (为…,
    依托…) stays outside. Without them the model cut unfamiliar openings mid-word (issue 14)."""
    cov = phrases()["workload_coverbs"]
    manner, nominal = tuple(cov["manner"]), cov["nominal"]
    n_manner = n_nominal = 0
    items = [w for k in unit_kinds() for w in k.workloads] + list(GENERIC_WORKLOADS + MANAGEMENT_WORKLOADS)
    # general head + a bank's object + the bank's verb: 完成 + 校舍 + 维修改造
    nominal_openings = tuple(h + w.obj + w.verb for w in items if w.verb in nominal["verbs"] and w.obj
                             for h in nominal["heads"])
    for ex in examples200:
        for s in ex.spans:
            if s.label != "WORKLOAD":
                continue
            text = ex.text[s.start:s.end]
            before = ex.text[max(0, s.start - 2):s.start]
            # the span never starts just after a manner word: the word is inside
            assert not before.endswith(manner), (before, text)
            n_manner += text.startswith(manner)
            n_nominal += text.startswith(nominal_openings)
    # 164 and 17, then 122 and 12 when counted_first took its draw; nominal 7-21 over seeds 11-16
    assert n_manner >= 30 and n_nominal >= 5, (n_manner, n_nominal)


def test_duties_worded_like_measures_are_functions(examples200):
    """A duty may open with a measure's verb (做好…, 加强…, 推动…) and join a second duty after a
    comma: in a list of duties it is FUNCTION, so the model has to read the list, not the verb
    (issue 14: 「开展…建设，推动…」 under 主要职责 was read as MEASURE or nothing)."""
    from pipeline.corpus.synth.compose import FUNCTION_SECOND_VERBS
    openers = ("做好", "抓好", "开展", "推动", "加强")
    functions = [ex.text[s.start:s.end] for ex in examples200 for s in ex.spans if s.label == "FUNCTION"]
    assert sum(f.startswith(openers) for f in functions) >= 40, sum(f.startswith(openers) for f in functions)
    objects = tuple(o for k in unit_kinds() for o in k.objects)
    second = [f for f in functions if any(f"，{v}{o}" in f for v in FUNCTION_SECOND_VERBS for o in objects)]
    assert len(second) >= 40, len(second)


def test_indicator_weights_sum_to_their_level_when_rows_outnumber_the_minimum():
    from pipeline.corpus.synth.facts import _split_weight
    rng = random.Random(3)
    for total, n in ((6, 4), (7, 7), (3, 5), (30, 4)):
        weights = _split_weight(rng, total, n)
        assert sum(weights) == total and len(weights) == n and min(weights) >= 0


def _goal_rows(ex) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(planned cell, actual cell) of every project form's goal rows: a header line naming a planned
    and an actual column (phrases.yaml goal_form), the next line's two filled cells."""
    g = phrases()["goal_form"]
    header = re.compile(r"(?m)^(?:%s)\t(?:%s)\t(?:%s)$" % tuple("|".join(map(re.escape, g[k])) for k in
                                                           ("row_labels", "planned_columns", "actual_columns")))
    out = []
    for m in header.finditer(ex.text):
        start = m.end() + 1
        end = ex.text.find("\n", start)
        cells, pos = [], start
        for cell in ex.text[start:end].split("\t"):
            if cell.strip():
                cells.append((pos, pos + len(cell)))
            pos += len(cell) + 1
        if len(cells) == 2:  # noise may break a cell over several: those rows are left out here
            out.append((cells[0], cells[1]))
    return out


@pytest.fixture(scope="module")
def examples_goal_rows(tmp_path_factory) -> list:
    """A small corpus with the project forms' goal rows switched on (phrases.yaml goal_form.share,
    0 by default: docs/history.md, round of 2026-12-06)."""
    goal = phrases()["goal_form"]
    saved, goal["share"] = goal["share"], 0.5
    try:
        out = tmp_path_factory.mktemp("synth_goal_rows")
        write_corpus(out, 120, 5)
    finally:
        goal["share"] = saved
    return [task_to_example(t) for t in read_tasks(out / "tasks.json")]


def test_a_project_forms_planned_counts_are_no_workload(examples_goal_rows, examples200):
    """A project form's goal rows (「年度总体目标 | 预期目标 | 实际完成情况」, phrases.yaml goal_form) state the
    year's counts twice: as planned (no span: labels.md, a WORKLOAD is work done) and as done (WORKLOAD
    spans in the actual cell). Switched off (share 0, the default), no document has them."""
    rows = [(ex, planned, actual) for ex in examples_goal_rows for planned, actual in _goal_rows(ex)]
    assert len({id(ex) for ex, _, _ in rows}) >= 5
    counted = re.compile(r"\d+(?:\.\d+)?万?[^\d\s，。；]{1,2}")
    for ex, (ps, pe), (as_, ae) in rows:
        assert counted.search(ex.text[ps:pe]), ex.text[ps:pe]
        assert not [s for s in ex.spans if s.start < pe and ps < s.end]
        assert [s for s in ex.spans if s.label == "WORKLOAD" and as_ <= s.start and s.end <= ae]
    assert not [r for ex in examples200 for r in _goal_rows(ex)]


def test_swapped_verbs_open_the_work_and_a_verbal_object_stays_inside(monkeypatch):
    """workload_coverbs.swap and verbal_object (off in the shipped generator, share 0): switched on,
    counted work opens with a verb of the swap list and its object may end in a verbal noun, the
    span still starting at the opening verb."""
    import random as _random
    from pipeline.corpus.synth.compose import workload
    cov = phrases()["workload_coverbs"]
    monkeypatch.setitem(cov["swap"], "share", 1.0)
    monkeypatch.setitem(cov["verbal_object"], "share", 1.0)
    rng = _random.Random(5)
    items = [w for k in unit_kinds() for w in k.workloads if len(w.verb) == 2 and w.obj]
    swapped = inner = 0
    for item in rng.sample(items, 60):
        text = workload(rng, item).frag[0].text
        swapped += any(v in text[:4] for v in cov["swap"]["verbs"])
        inner += any(h in text for h in cov["verbal_object"]["heads"])
    assert swapped >= 40 and inner >= 40, (swapped, inner)


def test_every_bank_measure_word_is_one_the_pipeline_reads_as_a_count():
    """The generator counts work only in measure words pipeline.tag.workload reads: a span counted
    in another (平方公里, 笔 before they were settled) is one spec_constraints drops, so the model
    learnt what the rules then undid."""
    from pipeline.tag.workload import parse_workload
    items = [w for k in unit_kinds() for w in k.workloads] + list(GENERIC_WORKLOADS + MANAGEMENT_WORKLOADS)
    unread = {(w.verb + w.obj, mw) for w in items for mw in w.measure_words
              if parse_workload(f"{w.verb}{w.obj}12{mw}").count is None}
    assert not unread, sorted(unread)
