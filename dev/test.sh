#!/usr/bin/env bash
# Run the test suite with pytest: the unit layer (tests/unit, no site) first, then the tests on the test
# site. Extra arguments go to pytest.
# Usage: dev/test.sh [pytest arguments]
#        dev/test.sh --unit [pytest arguments]   the unit layer alone: no site, no browser, no server
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"

cd "$ROOT"
if [ "${1:-}" = --unit ]; then
	shift
	step "unit tests (pytest, no site)"
	[ -x "$BENCH_DIR/env/bin/python" ] || die "no bench yet: run make setup (or make test) once"
	exec "$BENCH_DIR/env/bin/python" -m pytest tests/unit "$@"
fi

step "tests (pytest on site $TEST_SITE)"
export FRAPPE_SITES_PATH="$BENCH_DIR/sites" FRAPPE_SITE="$TEST_SITE" CHROMIUM CRM_ADMIN_PASSWORD="$ADMIN_PASSWORD"
exec "$BENCH_DIR/env/bin/python" -m pytest "$@"
