# The README's commands. Each target creates .venv when it is missing or older than
# pyproject.toml, then does its job. Nothing here needs anything but python3 >= 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test lab bench lexicons clean help fuzz

help:
	@echo "make report   # set up .venv, run the whole analysis of seeds/ into data/report/"
	@echo "make test     # set up .venv, run every test (unit, golden, properties, doctests, notebooks)"
	@echo "make lab      # start JupyterLab on the notebooks"
	@echo "make bench    # run the benchmarks (not part of make test)"
	@echo "make fuzz     # long fuzzing of the readers: hypothesis with many examples, then atheris"
	@echo "make lexicons # rebuild the packaged lexicons from data/lexicons/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/mediabias report seeds/ --out data/report

# Notebooks are re-run by nbval and their outputs compared with the committed ones (after
# tests/nbval_sanitize.cfg; PNG data is not compared), in the .venv's kernel. tests/test_browser.py
# runs them again in JupyterLab in Chromium. No notebook yet: only the tests run.
NOTEBOOKS  := $(sort $(wildcard notebooks/*.ipynb))
NBVAL_ARGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
              --nbval-cell-timeout=900 --nbval-kernel-startup-timeout=120

test: $(STAMP)
	$(BIN)/python -m pytest tests src/mediabias $(NOTEBOOKS) --doctest-modules $(NBVAL_ARGS) -q $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_match.py
	$(BIN)/python benchmarks/bench_sentiment.py
	$(BIN)/python benchmarks/bench_vader.py
	$(BIN)/python benchmarks/eval_pagedump.py
	$(BIN)/python benchmarks/bench_scale.py --articles 3000 --rss-gb 0

# The short fuzz runs in make test; this one runs the same hypothesis tests with FUZZ_EXAMPLES examples
# each, then the atheris harness (installed into .venv here if missing; not a dependency of the project)
# for FUZZ_RUNS inputs.
FUZZ_EXAMPLES ?= 2000
FUZZ_RUNS     ?= 200000
fuzz: $(STAMP)
	MEDIABIAS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -q -p no:cacheprovider $(PYTEST_ARGS)
	@$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/python -m pip install --quiet atheris \
		|| echo "atheris did not install: hypothesis fuzzing only"
	@if $(BIN)/python -c "import atheris" 2>/dev/null; then \
		$(BIN)/python tests/fuzz/fuzz_readers.py -atheris_runs=$(FUZZ_RUNS); fi

lexicons: $(STAMP)
	$(BIN)/python -m mediabias.lexicon.build

clean:
	rm -rf $(VENV) data/report data/read .pytest_cache .hypothesis
