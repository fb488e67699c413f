# Two commands matter: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Ralph, a real xAPI LRS, in a virtual environment of its own (its pins are not ours).
RALPH_VENV := .venv-ralph
RALPH_STAMP := $(RALPH_VENV)/.installed
LRS_PORT ?= 8100
PYTEST_ARGS ?=

.PHONY: venv lrs run test lint format bench profile check-deploy check-curricula demo-totp clean

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

$(RALPH_STAMP): scripts/ralph/requirements.txt
	test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet -r scripts/ralph/requirements.txt
	touch $(RALPH_STAMP)

# A local LRS for trying xAPI delivery: `make lrs`, then in another terminal
# XAPI_LRS_ENDPOINT=http://127.0.0.1:8100/xAPI/ XAPI_LRS_USERNAME=platform \
# XAPI_LRS_PASSWORD=platform-secret make run
lrs: $(RALPH_STAMP)
	$(RALPH_VENV)/bin/python scripts/ralph/serve.py --port $(LRS_PORT) --data .lrs-data

run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py credentials_key_add --if-none
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 scripts/run-dev.sh

test: $(STAMP) $(RALPH_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdefghij \
	CREDENTIALS_KEY_ENCRYPTION_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=') \
	ALLOWED_HOSTS=learning.example.org $(PY) manage.py check --deploy --fail-level WARNING

demo-totp: $(STAMP)
	DEBUG=1 $(PY) manage.py demo_totp

clean:
	rm -rf $(VENV) $(RALPH_VENV) .lrs-data staticfiles .pytest_cache .ruff_cache

check-curricula: $(STAMP)
	DEBUG=1 $(PY) manage.py load_curricula --check

bench: $(STAMP) $(RALPH_STAMP)
	$(PY) tests/bench/run.py
	$(PY) tests/bench/pages_large.py
	$(PY) tests/bench/credentials.py
	$(PY) tests/bench/xapi_delivery.py
	$(PY) tests/bench/throughput.py
	$(PY) tests/bench/board_compliance.py

# Queries and a cProfile of one page: `make profile PAGE=lesson` (course, module, program,
# dashboard, catalogue, or a path). Builds its site once (tests/bench/profile_page.py).
PAGE ?= lesson
profile: $(STAMP)
	$(PY) tests/bench/profile_page.py $(PAGE)
