# The two commands a newcomer needs: `make demo` and `make test`. Each sets up .venv on
# first use (and again whenever pyproject.toml changes), with only python3 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS ?= dev
# Pins for CI's machines (torch's CPU build); they constrain only what the extras ask for.
CONSTRAINTS ?= .ci/constraints.txt

.PHONY: demo test lint format bench bench-heads clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[$(EXTRAS)]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m nn.demo

# pytest-xdist spreads the suite over every core, one test file per worker at a time (a
# file's module fixtures, such as a Jupyter server, start once); PYTEST_WORKERS=0 runs it
# in this one process.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict -p autograd_engine -p nn

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m benchmarks

# Two heads side by side against the same micrograd samples (benchmarks/heads.py):
# OLD is a checkout of the older commit with its own .venv (a git worktree).
bench-heads: $(STAMP)
	$(PY) -m benchmarks.heads --old $(OLD)

clean:
	rm -rf $(VENV) out build *.egg-info
