# Two commands matter: `make demo` and `make test`. Both do their own set-up.
VENV ?= .venv
BIN := $(VENV)/bin
WORKSPACE ?= demo-workspace
DEMO_CALLS ?= 50
DEMO_SEED ?= 1
PORT ?= 8888
DASHBOARD_PORT ?= 8866
PYTEST_ARGS ?=

REVIEW_PORT ?= 8867
# Every Voila app requires a token, like JupyterLab: Voila prints the URL with it when it starts; a
# page or kernel request without it gets the login page (so no other local process acts as the user).
VOILA_FLAGS = --no-browser --Voila.ip=127.0.0.1 --token --strip_sources=True --show_tracebacks=False
TRAINER_PORT ?= 8868
PACKS_PORT ?= 8869
AGENT_PORT ?= 8870
# every Jupyter started here saves notebooks without outputs (widgets/hygiene.py, a pre-save hook)
export JUPYTER_CONFIG_PATH := $(abspath jupyter-config)

.PHONY: setup system-deps demo demo-workspace test dashboard review-queue trainer packs agent bench clean docs screenshots

system-deps:
	@scripts/system-deps.sh

setup: system-deps
	@scripts/setup-venv.sh $(VENV)

demo-workspace: setup
	@$(BIN)/curation demo --workspace $(WORKSPACE) --calls $(DEMO_CALLS) --seed $(DEMO_SEED) --if-missing

demo: demo-workspace
	@echo "Workspace: $(abspath $(WORKSPACE)). Starting JupyterLab on the role notebooks; open the URL below."
	@CURATION_WORKSPACE=$(abspath $(WORKSPACE)) scripts/start-lab.sh $(VENV) $(abspath notebooks) $(PORT)

dashboard: demo-workspace
	@echo "Manager dashboard on port $(DASHBOARD_PORT): open the URL printed below, with its token (numbers only; Ctrl-C stops it)"
	CURATION_WORKSPACE=$(abspath $(WORKSPACE)) CURATION_USER=manager $(BIN)/voila notebooks/manager_dashboard.ipynb \
		--port=$(DASHBOARD_PORT) $(VOILA_FLAGS) --preheat_kernel=True --pool_size=1

review-queue: demo-workspace
	@echo "Review queue on port $(REVIEW_PORT): open the URL printed below, with its token (acting as $${CURATION_USER:-reviewer}; Ctrl-C stops it)"
	CURATION_WORKSPACE=$(abspath $(WORKSPACE)) CURATION_USER=$${CURATION_USER:-reviewer} $(BIN)/voila notebooks/reviewer_queue.ipynb \
		--port=$(REVIEW_PORT) $(VOILA_FLAGS)

# The trainer's apps as Voila pages: nothing to run, nothing to go stale (a page reload starts afresh).
# Act as another user with CURATION_USER=NAME (e.g. `make trainer CURATION_USER=trainer2`).
trainer: demo-workspace
	@echo "Trainer app on port $(TRAINER_PORT): open the URL printed below, with its token (acting as $${CURATION_USER:-trainer}; Ctrl-C stops it)"
	CURATION_WORKSPACE=$(abspath $(WORKSPACE)) CURATION_USER=$${CURATION_USER:-trainer} $(BIN)/voila notebooks/trainer_pick_calls.ipynb \
		--port=$(TRAINER_PORT) $(VOILA_FLAGS)

packs: demo-workspace
	@echo "Pack builder on port $(PACKS_PORT): open the URL printed below, with its token (acting as $${CURATION_USER:-trainer}; Ctrl-C stops it)"
	CURATION_WORKSPACE=$(abspath $(WORKSPACE)) CURATION_USER=$${CURATION_USER:-trainer} $(BIN)/voila notebooks/trainer_build_pack.ipynb \
		--port=$(PACKS_PORT) $(VOILA_FLAGS)

agent: demo-workspace
	@echo "Agent app on port $(AGENT_PORT): open the URL printed below, with its token (acting as $${CURATION_USER:-agent}; Ctrl-C stops it)"
	CURATION_WORKSPACE=$(abspath $(WORKSPACE)) CURATION_USER=$${CURATION_USER:-agent} $(BIN)/voila notebooks/agent_assignments.ipynb \
		--port=$(AGENT_PORT) $(VOILA_FLAGS)

# The whole suite twice: on SQLite, then on a throw-away PostgreSQL server (tests/conftest.py starts it;
# every workspace a test creates gets its own database there). Only tests about the SQLite file itself
# (its bytes, modes, WAL) are left out of the second run.
test: setup
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	CURATION_TEST_DATABASE=postgresql $(BIN)/python -m pytest -n 2 -m "not sqlite_only" $(PYTEST_ARGS)

screenshots: setup
	CURATION_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

docs: setup
	$(BIN)/python -m curation.cli.docs > docs/cli.md

bench: setup
	$(BIN)/python benchmarks/run_all.py $(if $(EVAL),--eval)

clean:
	rm -rf $(WORKSPACE) .$(WORKSPACE).building .$(WORKSPACE).lock .pytest_cache test-artifacts .jupyter-lab.log
