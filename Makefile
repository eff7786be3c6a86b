# jixiao — set-up and everyday commands. On a fresh machine: `make annotate`, then `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
JIXIAO  := $(VENV)/bin/jixiao
IN      ?= examples
OUT     ?= out
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install browser fonts annotate view devset test test-fast train eval eval-rules bench bench-search labelstudio schema clean

# torch first, pinned: an unpinned torch pulled in by transformers would fetch a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,ray]'   # ray: the --engine ray test runs in make test
	touch $@

install: $(VENV)/.installed browser fonts

# tests/view drive Debian's chromium through Playwright (never `playwright install`: it downloads a
# browser build). Installed with a CJK font when missing, as root with apt-get; else the browser tests skip and say why.
browser:
	@{ command -v chromium && fc-list :lang=zh | grep -q . ; } >/dev/null 2>&1 || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } || \
	echo "chromium not installed: the browser tests in tests/view will skip"

# A CJK TrueType font from Debian for the PDF reflow tests (tests/read/render_pdf.py renders our
# reports to PDF with it). Needs root and apt-get; elsewhere those tests skip and say why.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@test -e $(CJK_FONT) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -q && apt-get install -y -q fonts-wqy-microhei; } \
		|| echo "no CJK font installed (fonts-wqy-microhei): the PDF reflow tests will skip"

annotate: install
	$(JIXIAO) annotate $(IN) --out $(OUT)

# the static review site of the records in $(OUT) (jixiao view): open $(OUT)/site/index.html
view: install
	$(JIXIAO) view $(OUT) --out $(OUT)/site

test: install
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: install
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not labelstudio"

schema: install
	$(JIXIAO) schema --out pipeline/record.schema.json

train: install
	$(JIXIAO) train --config configs/tagger.yaml --out models/tagger
	$(JIXIAO) calibrate --model models/tagger

# The evaluation protocol behind models/tagger/MODEL_CARD.md. Measured 2026-11-27 on a 2-core Xeon
# with AVX-512/AMX: about 75 minutes (about 2.5-3 hours on the earlier AVX2-only EPYC), with the
# config of that time. The config of 2026-12-03 (4,000 reports x 4 epochs, one thread) trains
# longer: its (a) tagger+rules took 47 min and the tagger folds 43 min, run side by side; with
# spaCy and the second-seed run expect about two and a half hours (not timed).
# (a)+(c)+(d): the shipped config without seed data, all three systems side by side (tagger
# training ~8 min, spaCy 3 epochs ~15 min on one core); (b): leave-one-seed-out with the smaller
# fold config, tagger (six trainings, ~14 min) and spaCy (~26 min); the shipped config's (a) again with
# another training seed (~8 min), the run-to-run spread; (e): the shipped model on ../shared/devset,
# raw and with rules (eval-rules, ~2 min). Reports → runs/, card → models/tagger.
eval: install
	$(JIXIAO) eval-protocol --config configs/tagger.yaml --no-folds --systems tagger,spacy,rules \
		--spacy-epochs 3 --out runs/eval-full
	$(JIXIAO) eval-protocol --config configs/tagger-protocol.yaml --systems tagger,spacy,rules \
		--spacy-epochs 3 --out runs/eval-folds
	$(JIXIAO) eval-protocol --config configs/tagger.yaml --no-folds --systems tagger --seed 14 \
		--out runs/eval-seed14
	$(JIXIAO) eval-rules --devset $(DEVSET) --out models/tagger/eval
	$(PY) -m pipeline.tag.card models/tagger --bench --protocol runs/eval-full/report.json \
		--protocol runs/eval-folds/report.json --protocol runs/eval-seed14/report.json \
		--devset-ablation models/tagger/eval/rules-ablation.json

# The development set (../shared/devset): annotate its reports with the shipped model and print
# the scorer's per-document table and SUMMARY line (facts, findings, spans). See README.
DEVSET ?= ../shared/devset
devset: install
	rm -rf out/devset
	$(JIXIAO) annotate $(DEVSET)/docs --out out/devset --no-resume > /dev/null
	python3 $(DEVSET)/score.py out/devset $(DEVSET)/gold
	$(PY) -m pipeline.link.evaluate --devset $(DEVSET) --records out/devset
	$(PY) -m pipeline.link.evaluate --devset $(DEVSET) --gold-spans

# Each tagger rule of configs/tagger.yaml switched off in turn, on ../shared/devset and the seeds
# (about 2 minutes): models/tagger/eval/rules-ablation.{md,json}.
eval-rules: install
	$(JIXIAO) eval-rules --devset ../shared/devset --out models/tagger/eval

bench: install
	$(PY) -m pipeline.bench

# Search (issue 15): indexing records/s, query p50/p95 at 100,000 spans, index size; exits 1 on a missed target.
bench-search: install
	$(PY) -m pipeline.search.bench --records 5000 --spans-per-record 20

labelstudio:
	bash scripts/labelstudio.sh

clean:
	rm -rf $(OUT) runs .pytest_cache
