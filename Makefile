.PHONY: run test setup train validate shell actions interactive bench teams-package evaluate evaluate-conversations nlu-report purge clean

run:          ## set up, train if needed, start the action server, chat in the terminal
	bash scripts/run.sh

test:         ## every test: lint, actions, validate, train, stories, servers and gates
	bash scripts/test.sh

setup:        ## .venv, packages, spaCy pipeline
	bash scripts/setup.sh

train: setup  ## train models/smp.tar.gz if anything changed
	bash scripts/train.sh

validate: setup
	bash scripts/validate.sh

shell:        ## the same as run: rasa shell with the action server running
	bash scripts/run.sh

actions: setup ## the action server alone (on loopback), for rasa interactive or rasa run
	SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions actions --port 5055

interactive: train ## correct conversations and save them as stories (make actions first)
	.venv/bin/rasa interactive --model models/smp.tar.gz --endpoints endpoints.yml

bench: train  ## accuracy against BM25 and MiniLM search, speed, memory, profile: reports/bench.md
	.venv/bin/python -m scripts.bench --runs 3 --train

teams-package: ## the Teams app package build/teams-app.zip (needs TEAMS_APP_ID)
	.venv/bin/python -m scripts.teams_package

evaluate:     ## score the running server (make actions + rasa run) on the development set
	.venv/bin/python -m scripts.evaluate

evaluate-conversations: ## the same on the multi-turn conversations (CONVERSATIONS=file for another set)
	.venv/bin/python -m scripts.evaluate --conversations $(CONVERSATIONS)

nlu-report: setup ## rasa test nlu cross-validation: reports/nlu (confusion matrix, histogram)
	bash scripts/nlu_report.sh

purge:        ## delete conversations older than SMP_RETENTION_DAYS (default 90) from the tracker store
	.venv/bin/python -m scripts.purge

clean:
	rm -rf models build results .pytest_cache
