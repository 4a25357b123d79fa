# The commands people run. Everything goes through the project venv (.venv, made by `make setup`).
# The README's two commands stay the entry points: `bash scripts/demo.sh`, `bash scripts/setup.sh && bash scripts/test.sh`.

SHELL := /bin/bash
VENV := .venv/bin
SHARED ?= ../shared
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help setup demo test test-fast lint fmt eval bench contracts

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

setup:  ## create .venv and install jixiao with its test and lint tools
	bash scripts/setup.sh

demo:  ## the main job: index, demo accounts, precheck the samples, serve http://127.0.0.1:8000
	bash scripts/demo.sh

test:  ## the whole suite, slow and browser tests included (what CI runs)
	bash scripts/test.sh

test-fast:  ## the fast subset (no embeddings, servers or browser)
	$(VENV)/python -m pytest -m "not slow" -q

lint:  ## ruff, ruff format --check, mypy (core ingest prompts vectorstore assistant), import contracts
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/lint-imports

fmt:  ## format and apply the safe ruff fixes
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

eval:  ## precheck rules (P/R/F1 on the dev set) and retrieval (recall@k, MRR) evaluations
	$(VENV)/jixiao eval checks --dataset $(SHARED)/data/targets_dev.json --labels $(SHARED)/data/targets_dev_labels.json
	$(VENV)/jixiao eval retrieval --dataset $(SHARED)/data/retrieval_dev.jsonl

bench:  ## speed: rule checks, retrieval, API latency under concurrent clients
	$(VENV)/jixiao eval bench-checks
	$(VENV)/jixiao eval bench-retrieval
	$(VENV)/jixiao eval bench-api

contracts:  ## outside-in checks of the shared contracts (DESIGN.md §7), as the evaluation runs them
	$(SHARED)/tools/contract-checks
