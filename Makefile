.PHONY: run test setup train validate shell actions evaluate clean

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

shell: train  ## rasa shell against a running action server (make actions)
	.venv/bin/rasa shell --model models/smp.tar.gz --endpoints endpoints.yml

actions: setup
	.venv/bin/rasa run actions --actions actions --port 5055

evaluate:     ## score the running server (make actions + rasa run) on the development set
	.venv/bin/python -m scripts.evaluate

clean:
	rm -rf models build results .pytest_cache
