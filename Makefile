PYTHON := .venv/bin/python
# The HR report's period: last month unless given (make hr-report SINCE=2026-11-01 UNTIL=2026-11-30).
SINCE ?= $(shell date -d "$$(date +%Y-%m-01) -1 month" +%F)
UNTIL ?= $(shell date -d "$$(date +%Y-%m-01) -1 day" +%F)
DB ?= sqlite:///tracker.db

.PHONY: run shell test help setup train validate actions interactive evaluate \
	evaluate-conversations nlu-report bench load hr-report reviews approve import-policy \
	teams-package purge clean

run:          ## the whole assistant: action server, Rasa, web chat on :8080, and rasa shell
	bash scripts/run.sh

shell:        ## HR's terminal chat only: the action server and rasa shell, no web chat
	bash scripts/run.sh shell

test:         ## every test: lint, types, components, actions, validate, train, stories, servers, gates
	bash scripts/test.sh

help:         ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:[^#]*## /\t/' \
		| awk -F'\t' '{ printf "  make %-24s %s\n", $$1, $$2 }'

setup:        ## .venv, packages, web chat, spaCy pipeline
	bash scripts/setup.sh

train: setup  ## train models/smp.tar.gz if anything changed
	bash scripts/train.sh

validate: setup ## rasa data validate, failing on any warning
	bash scripts/validate.sh

actions: setup ## the action server alone (on loopback), for rasa interactive or rasa run
	SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions actions --port 5055

interactive: train ## correct conversations and save them as stories (make actions first)
	.venv/bin/rasa interactive --model models/smp.tar.gz --endpoints endpoints.yml

evaluate:     ## score the running server (make actions + rasa run) on the development set
	$(PYTHON) -m scripts.evaluate

evaluate-conversations: ## the same on the multi-turn conversations (CONVERSATIONS=file for another set)
	$(PYTHON) -m scripts.evaluate --conversations $(CONVERSATIONS)

nlu-report: setup ## rasa test nlu cross-validation: reports/nlu (confusion matrix, histogram)
	bash scripts/nlu_report.sh

bench: train  ## accuracy against BM25 and MiniLM search, speed, memory, profile: reports/bench.md
	$(PYTHON) -m scripts.bench --runs 3 --train

load:         ## 50 conversations of 20 messages at once against the running server (make run)
	$(PYTHON) -m scripts.load

hr-report:    ## HR's report of what staff asked, last month (SINCE, UNTIL, DB): reports/hr-report.md
	$(PYTHON) -m scripts.hr_report --db $(DB) --since $(SINCE) --until $(UNTIL)

reviews:      ## list the answers whose cited policy text changed since they were reviewed
	$(PYTHON) -m scripts.check_reviews

approve:      ## mark answers reviewed against the current policy text (TOPICS="id ...")
	$(PYTHON) -m scripts.check_reviews --approve $(TOPICS)

import-policy: ## read data/policy/source/social-media-policy.md into data/policy/paragraphs.yml
	$(PYTHON) -m scripts.import_policy

teams-package: ## the Teams app package build/teams-app.zip (needs TEAMS_APP_ID)
	$(PYTHON) -m scripts.teams_package

purge:        ## delete conversations older than SMP_RETENTION_DAYS (default 90) from the tracker store
	$(PYTHON) -m scripts.purge

clean:        ## remove the model, build/ and test results
	rm -rf models build results .pytest_cache
