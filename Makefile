# Quick start: `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-wheel bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,ocr]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/govnlp run corpus/samples -o out/demo
	$(BIN)/govnlp compare out/demo --by year
	$(BIN)/govnlp score out/demo
	$(BIN)/govnlp report out/demo -o out/demo/html

test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(MAKE) test-wheel

# A wheel installed as a user would (not editable, fresh virtual environment), then the main job on the
# samples from outside the checkout: fails when any document fails (`govnlp run` exits 1).
# pip reuses its cache, so only the first run downloads the dependencies.
test-wheel: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/python -m pip install --quiet dist/govnlp-*.whl
	cd build && wheel-venv/bin/govnlp run ../corpus/samples -o wheel-out --jobs 2 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/tokenizer.py
	$(BIN)/python benchmarks/facts.py
	$(BIN)/python benchmarks/read_pdf.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/similarity.py
	$(BIN)/python benchmarks/ocr.py --runs 1

lint: $(STAMP)
	$(BIN)/ruff check nlp tests benchmarks

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache
