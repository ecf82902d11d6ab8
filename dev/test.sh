#!/usr/bin/env bash
# Run the test suite with pytest against the test site. Extra arguments go to pytest.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"

step "tests (pytest on site $TEST_SITE)"
export FRAPPE_SITES_PATH="$BENCH_DIR/sites" FRAPPE_SITE="$TEST_SITE" CHROMIUM CRM_ADMIN_PASSWORD="$ADMIN_PASSWORD"
cd "$ROOT"
exec "$BENCH_DIR/env/bin/python" -m pytest "$@"
