# ResidentVoice: `make run` (set up + run with demo data), `make test` (set up + all tests),
# `make check` (the quick loop: the fast tests, SQLite, both cores).
PYTHON ?= python3
# Another port for `make run`: make run PORT=5001
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
export FLASK_APP := wsgi

.PHONY: run test check install translations db demo browser-deps bench bench-district clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

translations: install
	$(FLASK) translate compile

db: translations
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo

run: demo
	@echo "ResidentVoice on http://127.0.0.1:$(PORT) (demo accounts: see README.md)."
	@echo "Port taken? Use another one: make run PORT=5001"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Browser tests need Debian's Chromium and CJK fonts; CI installs them, elsewhere they skip.
browser-deps:
	@if [ "$$CI" = "true" ] && ! [ -x /usr/bin/chromium ]; then \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi

# The quick loop while working (issue 16 §6): no browser, fuzz or slow tests (tests/markers.py
# says which are slow and why), spread over two processes. `make test` still runs everything.
# Bytecode is kept (__pycache__, ignored by git) so a second run skips pytest's assertion
# rewriting: collection takes 3 s of CPU instead of 8, in each process.
check: translations
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 \
	  -m "not browser and not fuzz and not slow"

# Both passes on the machine's two cores (pytest-xdist: each process has its own database
# and its own browser server): 9½ minutes instead of 14½ on the CI machine.
test: translations browser-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2
	RV_TEST_DB=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 -m "not browser"

# Benchmark (not part of the tests; README "make bench"): gunicorn with 2 workers on demo
# data, SQLite and PostgreSQL — each page's worker CPU against a minimal Flask page, mixed
# traffic of 200+ signed-in people, growth 1× → 100×, the tally of a 100,000-unit ballot.
# BENCH_ARGS narrows it, e.g. BENCH_ARGS="--db sqlite --steps cost --pages home".
bench: translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A whole district on PostgreSQL (486 compounds, 100,000 households, 1,000,000 tickets).
bench-district: translations
	$(BIN)/python bench/run.py --db postgresql --steps district $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance *.egg-info
