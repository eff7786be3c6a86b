import pytest

from pipeline import MODELS_DIR, PROJECT_ROOT
from pipeline.record import Record, Section, Source, Span
from pipeline.tag.regions import find_regions, simple_headings
from pipeline.tag.tagger import SpanPrediction, Tagger

from tag_markup import ACTUAL_CELL, PLANNED_CELL, PROJECT_FORM


def _record(text):
    return Record(doc_id="t", source=Source(path="x.txt", format="txt"), text=text)


def test_predict_then_set_annotations(toy_model, tiny_examples):
    model_dir, _, _ = toy_model
    tagger = Tagger.load(model_dir, precision="fp32")
    ex = tiny_examples[0]
    rec = _record(ex.text)
    rec.sections = [Section(id="sec1", title="三、存在的问题", level=1, kind="problems",
                            start=ex.text.index("三、存在的问题"), end=len(ex.text))]
    rec.spans = [Span(id="m1", label="PROBLEM", start=0, end=2, text=ex.text[:2], source="rule")]
    preds = tagger.predict(rec, headings_for=simple_headings(ex.text))
    assert rec.spans[0].source == "rule" and len(rec.spans) == 1  # predict does not touch the record
    assert preds and all(isinstance(p, SpanPrediction) for p in preds)
    tagger.set_annotations(rec, preds)
    model_spans = [s for s in rec.spans if s.source == "model"]
    assert len(model_spans) == len(preds)
    assert len({s.id for s in rec.spans}) == len(rec.spans)  # ids stay unique next to the rule span
    assert rec.model_version == tagger.model_version
    for s in model_spans:
        assert rec.text[s.start:s.end] == s.text and 0 < s.score <= 1
        if s.start >= rec.sections[0].start:
            assert s.section == "sec1"
    work = [s for s in model_spans if s.label == "WORKLOAD"]
    assert work and all({"activity", "count", "unit", "approximate"} <= set(s.attrs) for s in work)
    # a second pass replaces the model spans instead of piling them up
    tagger.set_annotations(rec, preds)
    assert len([s for s in rec.spans if s.source == "model"]) == len(preds)


def test_load_works_offline_and_predictions_survive_the_round_trip(toy_model, tiny_examples, monkeypatch, tmp_path):
    model_dir, _, _ = toy_model
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    a = Tagger.load(model_dir, precision="fp32")
    a.model.save_pretrained(tmp_path)
    for f in ("tokenizer.json", "tokenizer_config.json", "train_summary.json"):
        (tmp_path / f).write_bytes((model_dir / f).read_bytes())
    b = Tagger.load(tmp_path, precision="fp32")
    text = tiny_examples[1].text
    assert [(p.start, p.end, p.label) for p in a.predict_text(text)] == \
           [(p.start, p.end, p.label) for p in b.predict_text(text)]
    assert b.model_version == a.model_version


def test_regions_skip_short_cells_and_keep_long_ones():
    text = "一、情况\n单位\t张三\t电话\t123\n存在问题\t" + "预算编制不够精细部分支出与计划差距较大" + "\t\n正文段落内容"
    regions = find_regions(text)
    kinds = [(r.kind, text[r.start:r.end]) for r in regions]
    assert ("cell", "预算编制不够精细部分支出与计划差距较大") in kinds
    assert all("张三" not in t for _, t in kinds)
    cell = next(r for r in regions if r.kind == "cell")
    assert cell.row_label == "存在问题"


def test_simple_headings_path():
    text = "一、总体情况\n（一）职能\n正文\n二、问题\n1.资金\n正文二"
    hf = simple_headings(text)
    assert hf(text.index("正文\n")) == ["一、总体情况", "（一）职能"]
    assert hf(text.index("正文二")) == ["二、问题", "1.资金"]


def test_int8_is_used_only_after_a_passing_agreement_measurement(toy_model, tiny_examples, tmp_path):
    import json
    import shutil

    import torch

    from pipeline.tag.bench import precision_agreement, write_agreement
    from pipeline.tag.tagger import PRECISION_FILE, Tagger, measured_precision
    model_dir = tmp_path / "m"
    shutil.copytree(toy_model[0], model_dir)
    assert measured_precision(model_dir) is None            # nothing measured: fp32
    texts = [ex.text for ex in tiny_examples[:3]]
    result = precision_agreement(str(model_dir), texts, threads=1, low_precision="int8")
    assert result["precision"] == "int8" and result["chars"] > 0
    assert 0.0 <= result["char_tag_agreement"] <= 1.0
    write_agreement(str(model_dir), {**result, "char_tag_agreement": 0.999, "span_jaccard": 0.999})
    assert measured_precision(model_dir) == "int8"
    tagger = Tagger.load(model_dir, precision="auto", threads=1)
    if tagger.precision == "int8":                            # (bf16 wins on CPUs with native bf16)
        assert "quantized.dynamic" in type(tagger.model.bert.encoder.layer[0].attention.self.query).__module__
        assert type(tagger.model.classifier) is torch.nn.Linear
        assert isinstance(tagger.predict_text(texts[0]), list)
    write_agreement(str(model_dir), {**result, "char_tag_agreement": 0.99})
    assert measured_precision(model_dir) is None            # below the floor
    write_agreement(str(model_dir), {**result, "char_tag_agreement": 0.999, "span_jaccard": 0.98})
    assert measured_precision(model_dir) is None            # characters agree, but spans changed
    write_agreement(str(model_dir), {**result, "char_tag_agreement": 0.999, "span_jaccard": 0.999})
    data = json.loads((model_dir / PRECISION_FILE).read_text(encoding="utf-8"))
    data["int8"]["weights"] = "0000000000"                    # measured on other weights
    (model_dir / PRECISION_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert measured_precision(model_dir) is None


def test_auto_picks_bf16_only_with_native_bf16_and_a_passing_measurement(toy_model, tmp_path, monkeypatch):
    import shutil

    from pipeline.tag import tagger as tagger_mod
    from pipeline.tag.bench import write_agreement
    model_dir = tmp_path / "m"
    shutil.copytree(toy_model[0], model_dir)
    measured = {"precision": "bf16", "char_tag_agreement": 0.999, "chars": 10, "span_jaccard": 1.0}
    monkeypatch.setattr(tagger_mod, "native_bf16", lambda: True)
    assert tagger_mod.auto_precision(model_dir) == "fp32"          # native bf16 but nothing measured
    write_agreement(str(model_dir), measured)
    assert tagger_mod.auto_precision(model_dir) == "bf16"
    write_agreement(str(model_dir), {**measured, "char_tag_agreement": 0.98})
    assert tagger_mod.auto_precision(model_dir) == "fp32"          # measured, below the floor
    write_agreement(str(model_dir), measured)
    monkeypatch.setattr(tagger_mod, "native_bf16", lambda: False)
    assert tagger_mod.auto_precision(model_dir) == "fp32"          # emulated bf16 is never picked


def test_auto_picks_the_fastest_allowed_precision_measured_on_this_cpu_model(toy_model, tmp_path, monkeypatch):
    import shutil

    from pipeline import cpu
    from pipeline.tag import tagger as tagger_mod
    from pipeline.tag.bench import write_agreement, write_speeds
    model_dir = tmp_path / "m"
    shutil.copytree(toy_model[0], model_dir)
    monkeypatch.setattr(tagger_mod, "native_bf16", lambda: True)
    monkeypatch.setattr(cpu, "cpu_info", lambda: {"model": "CPU A", "cores": 2, "native_bf16": True})
    for low in ("int8", "bf16"):
        write_agreement(str(model_dir), {"precision": low, "char_tag_agreement": 0.999, "chars": 10, "span_jaccard": 1.0})
    assert tagger_mod.auto_precision(model_dir) == "bf16"          # no speeds: bf16 first
    write_speeds(str(model_dir), "CPU A", {"fp32": 76000, "int8": 80000, "bf16": 55000})
    assert tagger_mod.auto_precision(model_dir) == "int8"          # measured fastest here
    write_speeds(str(model_dir), "CPU A", {"fp32": 90000, "int8": 80000, "bf16": 55000})
    assert tagger_mod.auto_precision(model_dir) == "fp32"
    write_speeds(str(model_dir), "CPU B", {"fp32": 90000, "int8": 80000, "bf16": 55000})
    assert tagger_mod.auto_precision(model_dir) == "bf16"          # measured on another CPU model
    write_speeds(str(model_dir), "CPU A", {"fp32": 50000, "int8": 40000, "bf16": 99000})
    write_agreement(str(model_dir), {"precision": "bf16", "char_tag_agreement": 0.9, "chars": 10, "span_jaccard": 1.0})
    assert tagger_mod.auto_precision(model_dir) == "fp32"          # the fastest failed its agreement


def test_a_cell_wrapped_over_columns_is_one_region():
    # a PDF reader spread one cell's wrapped lines over three columns
    row = "存在问题\t部分绩效指标设\t置不够细化，年\t度目标难以衡量。"
    text = "二、问题\n" + row + "\n"
    regions = [r for r in find_regions(text) if r.kind == "cell"]
    assert len(regions) == 1 and regions[0].wrapped and regions[0].row_label == "存在问题"
    assert text[regions[0].start:regions[0].end] == row[len("存在问题\t"):]


@pytest.mark.parametrize("row", [
    "产出指标\t培训合格率达到要求，考核\t≥95%\t96%",      # figures: an indicator row's fields
    "一级指标\t二级指标\t三级指标名称及说明\t指标值\t评分标准",  # a header row: no punctuation
    "存在问题\t预算编制不够精细部分支出与计划差距较大。\t资产管理制度执行不到位有待加强。",  # two whole cells
])
def test_rows_that_are_not_wrapped_text_stay_cells(row):
    assert not any(r.wrapped for r in find_regions("表\n" + row + "\n"))


def test_cells_on_separate_lines_are_not_merged():
    from pipeline.tag.regions import _cell_regions
    text = "问题\n\t部分绩效指标设\n\t置不够细化，年度目标难以衡量"
    cells = [(0, 2), (4, 11), (13, len(text))]
    assert not any(r.wrapped for r in _cell_regions(text, cells, 15))


def test_decoder_lets_a_span_cross_the_tabs_of_a_wrapped_region_only():
    import numpy as np

    from pipeline.labels import load_labels
    from pipeline.tag.decode import ViterbiDecoder
    from pipeline.tag.rules import decode_region
    from pipeline.tag.regions import decoding_text
    tags = load_labels().tags()
    text = "存在问题\t部分绩效指标设\t置不够细化和具\t体。"
    region = next(r for r in find_regions(text) if r.wrapped)
    n = region.end - region.start
    probs = np.full((n, len(tags)), 0.001)
    probs[0, tags.index("B-PROBLEM")] = 0.99
    probs[1:n - 2, tags.index("I-PROBLEM")] = 0.99
    probs[n - 2, tags.index("E-PROBLEM")] = 0.99
    probs[n - 1, tags.index("O")] = 0.99
    dec = ViterbiDecoder(tags)
    whole = decode_region(decoding_text(text, region), region.start, probs, dec)
    assert [(text[s.start:s.end], s.label) for s in whole] == [("部分绩效指标设\t置不够细化和具\t体", "PROBLEM")]
    plain = decode_region(text, region.start, probs, dec)       # the same tags read as two cells
    assert len(plain) >= 2 and not any("\t" in text[s.start:s.end] for s in plain)


@pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(), reason="no shipped tagger model")
def test_a_giant_document_is_tagged_in_chunks_with_the_same_spans(monkeypatch):
    """Probabilities PROBS_CHUNK_CHARS of regions at a time (memory bounded on a 20 MB input):
    chunking changes which windows share a batch, not the spans."""
    import pipeline.tag.tagger as tagger_module
    from pipeline.annotate import structure_text

    record = structure_text((PROJECT_ROOT / "examples" / "city_health_commission_2021.txt").read_text(encoding="utf-8"))
    # the default precision (int8 where measured fastest) gives the same spans; its scores move by
    # a few thousandths with a batch's make-up (dynamic quantization scales activations per
    # batch), so the scores are compared in fp32, where the batch does not enter
    for precision, tolerance in (("auto", None), ("fp32", 1e-4)):
        tagger = Tagger.load(MODELS_DIR / "tagger", precision=precision)
        whole = tagger.predict(record)
        monkeypatch.setattr(tagger_module, "PROBS_CHUNK_CHARS", 300)
        chunked = tagger.predict(record)
        monkeypatch.undo()  # the whole-document chunk size again for the next precision
        assert whole and [(p.start, p.end, p.label) for p in chunked] == [(p.start, p.end, p.label) for p in whole]
        if tolerance is not None:
            assert all(abs(a.score - b.score) <= tolerance for a, b in zip(chunked, whole))


@pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(), reason="no shipped tagger model")
def test_regions_encoded_one_by_one_give_the_probabilities_of_the_whole_text_encoded():
    """The chunked path encodes each region alone (a giant text's ids are never held whole):
    one id per character, so the windows and the probabilities are the same."""
    import numpy as np

    from pipeline.annotate import structure_text
    from pipeline.tag.regions import find_regions, headings_from_record

    tagger = Tagger.load(MODELS_DIR / "tagger")
    record = structure_text((PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt").read_text(encoding="utf-8"))
    regions = find_regions(record.text, record.tables, tagger.args.min_cell_hanzi)
    headings = headings_from_record(record)
    whole = tagger.region_probs(record.text, regions, headings, tagger.encoder.encode(record.text))
    alone = tagger.region_probs(record.text, regions, headings)
    assert len(regions) > 3 and all(np.array_equal(a, b) for a, b in zip(whole, alone))


def test_a_lists_lead_line_is_context_for_its_items_within_its_section():
    from pipeline.tag.regions import context_for
    text = ("一、基本情况\n本局内设机构5个。\n部门主要职责：\n\n1.负责全县文化市场管理。\n2.承办县政府交办的其他事项。\n"
            "本局在职人员20人。\n二、预算执行情况\n年初预算100万元。\n")
    headings = simple_headings(text)
    ctx = {text[r.start:r.end]: context_for(r, headings, 32) for r in find_regions(text)}
    assert ctx["1.负责全县文化市场管理。"].endswith("基本情况/部门主要职责：")
    assert ctx["2.承办县政府交办的其他事项。"].endswith("/部门主要职责：")
    # a plain line after numbered items is no longer an item of the list; nor is another section
    assert not ctx["本局在职人员20人。"].endswith("部门主要职责：")
    assert not ctx["年初预算100万元。"].endswith("部门主要职责：")
    assert not ctx["本局内设机构5个。"].endswith("部门主要职责：")


def test_a_cells_column_header_is_context_only_where_the_model_was_trained_with_it():
    """ModelArguments.column_context: a form's planned cell and its actual cell share the row; only
    the column header above tells 预期目标 (a plan) from 实际完成情况 (work done)."""
    from pipeline.annotate import structure_text
    from pipeline.tag.regions import context_for, headings_from_record
    record = structure_text(PROJECT_FORM)
    regions = {record.text[r.start:r.end]: r for r in find_regions(record.text, record.tables, 15)}
    planned, actual = regions[PLANNED_CELL], regions[ACTUAL_CELL]
    headings = headings_from_record(record)
    assert context_for(planned, headings, 64, column=True).endswith("预期目标")
    assert context_for(actual, headings, 64, column=True).endswith("实际完成情况")
    assert not context_for(planned, headings, 64).endswith("预期目标")   # the models trained before it
    assert not context_for(actual, headings, 64).endswith("实际完成情况")


def test_a_reduced_precision_is_checked_on_the_seeds_and_the_development_set_texts(monkeypatch, tmp_path):
    import pipeline
    from pipeline.tag import bench
    (tmp_path / "seeds").mkdir()
    (tmp_path / "devset" / "docs").mkdir(parents=True)
    (tmp_path / "seeds" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "devset" / "docs" / "d1.txt").write_text("y", encoding="utf-8")
    monkeypatch.setattr(pipeline, "SEEDS_DIR", tmp_path / "seeds")
    monkeypatch.setattr(pipeline, "SHARED_DIR", tmp_path)
    assert [p.rsplit("/", 1)[-1] for p in bench.agreement_files()] == ["a.txt", "d1.txt"]


def test_spans_of_a_report_in_full_width_digits_read_as_printed(toy_model):
    """The tagger reads the narrow twin; the spans come back at the same offsets with the
    report's own full-width digits, and read the same as on the narrow text."""
    from pipeline.annotate import annotate_text
    from pipeline.clean import narrow
    from pipeline.tag.tagger import Tagger
    model_dir, _, _ = toy_model
    tagger = Tagger.load(model_dir, precision="fp32", no_rules=True, score_floors=0.0)
    text = ("２０２３年度部门整体支出绩效自评报告\n二、工作完成情况\n全年举办业务培训９期，检查项目３１个，发放资料１２００份。\n"
            "三、存在的问题\n预算编制不够精准，部分项目执行进度偏慢。\n")
    wide, plain = annotate_text(text, tagger=tagger), annotate_text(narrow(text), tagger=tagger)
    assert wide.spans, "the toy model finds no span: the test would prove nothing"
    assert wide.text == text
    assert [(s.start, s.end, s.label) for s in wide.spans] == [(s.start, s.end, s.label) for s in plain.spans]
    assert all(s.text == text[s.start:s.end] for s in wide.spans)


def test_a_regions_context_kind_is_the_section_gates_reading_of_its_headings():
    """context_kind: a cell under a planned column is "targets", a cell by its row label, a
    paragraph by its innermost classified heading, and "other" under none; every kind the
    structure stage's title lexicon can give is one a model can read (or "other")."""
    from pipeline.annotate import structure_text
    from pipeline.structure.sections import _KIND_RULES
    from pipeline.tag.regions import CONTEXT_KINDS, context_kind, headings_from_record
    assert {kind for kind, _ in _KIND_RULES} <= set(CONTEXT_KINDS) | {"other"}
    assert len(set(CONTEXT_KINDS)) == len(CONTEXT_KINDS)
    record = structure_text(PROJECT_FORM)
    regions = {record.text[r.start:r.end]: r for r in find_regions(record.text, record.tables, 15)}
    headings = headings_from_record(record)
    assert context_kind(regions[PLANNED_CELL], headings) == "targets"
    assert context_kind(regions[ACTUAL_CELL], headings) != "targets"
    text = "本单位简要说明如下。\n一、存在的主要问题\n部分项目预算执行进度偏慢。\n二、下一步改进措施\n加快项目实施进度。\n"
    headings = simple_headings(text)
    kinds = {text[r.start:r.end]: context_kind(r, headings) for r in find_regions(text)}
    assert kinds["部分项目预算执行进度偏慢。"] == "problems"
    assert kinds["加快项目实施进度。"] == "measures"
    assert kinds["本单位简要说明如下。"] == "other"
    assert context_kind(regions[PLANNED_CELL], None) == "targets"
