# Two commands for a newcomer: `make serve` and `make test`. Both set up what is missing first.
.PHONY: setup serve test unit lint format clean

setup:
	bash dev/setup.sh

serve: setup
	bash dev/serve.sh

# Everything: the unit layer (tests/unit) first, then the tests on the test site, the desk's included.
test:
	bash dev/setup.sh --with-browser
	bash dev/test.sh $(PYTEST_ARGS)

# The unit layer alone (pure functions, no site): seconds, once a bench exists.
unit:
	bash dev/test.sh --unit $(PYTEST_ARGS)

lint:
	.bench/tools/bin/ruff check .
	.bench/tools/bin/ruff format --check .

format:
	.bench/tools/bin/ruff format .
	.bench/tools/bin/ruff check --fix .

# Removes the bench, its tools and caches and its MariaDB admin account (the sites' databases are dropped
# and remade by the next setup).
clean:
	-bash -c 'source dev/config.sh && drop_db_admin'
	rm -rf .bench test-artifacts
