# Two entry points: `make demo` (set up + run on the bundled examples) and `make test`.
# Python 3.11 or 3.12, whichever runs first (a pyenv shim may exist and not run); else empty,
# and `make install` says so instead of building a venv with another Python.
PYTHON ?= $(shell for p in python3.11 python3.12 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' \
	>/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= demo.db

.PHONY: install lock audit demo test lint eval eval-cv bench fuzz clean

SECONDS ?= 300
OSV     ?= osv-pypi.zip

install: $(VENV)/.installed

# Dependencies come from requirements.lock (exact versions, sha256 hashes: a changed or
# substituted file is refused); then Tocsin itself, without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Tocsin needs Python 3.11 or 3.12: none found on PATH" \
		"(python3.11, python3.12, python3); set PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

# Re-pin after changing dependencies in pyproject.toml (uv in a throwaway tool venv).
lock:
	$(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install -q uv
	.venv-tools/bin/uv pip compile pyproject.toml --extra dev --extra pg --extra spark --generate-hashes \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header \
		-o requirements.lock

# Offline audit of the pins against a copy of OSV's PyPI database (see SECURITY.md).
audit: install
	$(BIN)/python scripts/audit_offline.py --osv $(OSV)

demo: install
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/tocsin run examples/corpus --db $(DB)
	$(BIN)/tocsin events --db $(DB) --min-confidence 0.7 --limit 20
	$(BIN)/tocsin stories --db $(DB) --min-mentions 4

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

eval: install
	$(BIN)/tocsin eval examples/gold/fr.jsonl examples/gold/en.jsonl --root examples
	$(BIN)/tocsin eval examples/gold/uk.jsonl --root examples
	$(BIN)/tocsin eval examples/gold/ru.jsonl --root examples
	$(BIN)/tocsin eval corpora/heldout1/gold.jsonl --root corpora/heldout1
	$(BIN)/tocsin eval corpora/heldout2/gold.jsonl --root corpora/heldout2
	$(BIN)/tocsin eval tests/fixtures/stories/gold.jsonl --root tests/fixtures/stories
	$(BIN)/tocsin eval corpora/heldout_stories/gold.jsonl --root corpora/heldout_stories
	$(BIN)/tocsin eval corpora/heldout3/gold.jsonl --root corpora/heldout3
	$(BIN)/tocsin eval corpora/news/test.jsonl --root corpora/news
	@if [ -f ../shared/gold/seeds.jsonl ]; then \
		$(BIN)/tocsin eval ../shared/gold/seeds.jsonl --root ../shared; fi
	@if [ -f ../shared/gold/dev.jsonl ]; then \
		$(BIN)/tocsin eval ../shared/gold/dev.jsonl --root ../shared; fi

# The real dev set cross-validated by document (trains one model per fold: ~30-40 minutes)
eval-cv: install
	@test -f ../shared/gold/dev.jsonl || { echo "../shared/gold/dev.jsonl not found"; exit 1; }
	$(BIN)/tocsin eval ../shared/gold/dev.jsonl --root ../shared --cv 5 --cache .train-cache.npz

bench: install
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/stream.py --docs 2000
	$(BIN)/python bench/paragraph.py

# Long fuzzing (the short pass runs in `make test`): make fuzz SECONDS=1800
fuzz: install
	$(BIN)/python scripts/fuzz.py --seconds $(SECONDS) --log fuzz-failures.jsonl

clean:
	rm -rf $(VENV) .venv-tools *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(DB)*
