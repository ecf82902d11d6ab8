#!/usr/bin/env bash
# Run the suite on another Frappe, in a bench and sites of its own (the default bench is never touched):
#     dev/compat.sh FRAPPE_GIT BRANCH [pytest arguments...]
# FRAPPE_GIT is any git remote or local git repository of Frappe (e.g. a snapshot of upstream), BRANCH
# the branch to take (version-15, develop, ...). The bench lives in .bench-compat/<BRANCH>/, its sites are
# compat-<BRANCH>.localhost and compat-test-<BRANCH>.localhost.
set -Eeuo pipefail
if [ $# -lt 2 ]; then
	echo "usage: dev/compat.sh FRAPPE_GIT BRANCH [pytest arguments...]" >&2
	exit 2
fi
source_git=$1 branch=$2
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
slug=$(printf '%s' "$branch" | tr -c 'a-zA-Z0-9' '-')
export CRM_DEV_DIR="$root/.bench-compat/$slug"
export CRM_SITE="compat-$slug.localhost" CRM_TEST_SITE="compat-test-$slug.localhost"
export FRAPPE_GIT="$source_git" FRAPPE_BRANCH="$branch"
# a Redis database of its own (1-15, from the branch): the default bench's shared keys stay its own
export CRM_REDIS_URL="redis://127.0.0.1:6379/$(($(printf '%s' "$branch" | cksum | cut -d' ' -f1) % 15 + 1))"
# the app as a copy of this working tree: the other Frappe's asset build writes into crm_app/public/dist
command -v rsync >/dev/null || { echo "dev/compat.sh needs rsync (apt-get install rsync)" >&2; exit 1; }
mkdir -p "$CRM_DEV_DIR"
rsync -a --delete --exclude /.git --exclude /.bench --exclude /.bench-compat --exclude /crm_app/public/dist \
	--exclude /test-artifacts "$root/" "$CRM_DEV_DIR/crm_app/"
export CRM_APP_SOURCE="$CRM_DEV_DIR/crm_app"
bash "$root/dev/setup.sh" --with-browser
exec bash "$root/dev/test.sh" "$@"
