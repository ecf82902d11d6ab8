# Shared settings and helpers of the dev scripts (sourced, not run).
# Every setting can be overridden from the environment.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEV_SRC="$ROOT/dev"
DEV_DIR=${CRM_DEV_DIR:-$ROOT/.bench}           # git-ignored: everything the set-up makes lives here
TOOLS_DIR="$DEV_DIR/tools"                     # venv with frappe-bench, uv, honcho; yarn under node/
CACHE_DIR="$DEV_DIR/cache"                     # downloaded wheel, stamps
STAMP_DIR="$DEV_DIR/stamps"
FRAPPE_SRC="$DEV_DIR/frappe-src"               # the git repo `bench init` clones Frappe from
BENCH_DIR="$DEV_DIR/frappe-bench"
DEV_SITE=${CRM_SITE:-crm.localhost}            # the site people use (make serve)
TEST_SITE=${CRM_TEST_SITE:-test.localhost}     # the site the tests use, kept apart
# Frappe keeps some keys for every site of a bench (assets_json...): another bench needs another database
REDIS_URL=${CRM_REDIS_URL:-redis://127.0.0.1:6379}
HTTP_HOST=${CRM_HOST:-127.0.0.1}
HTTP_PORT=${CRM_PORT:-8000}
# the realtime (socket.io) server: 9000 beside 8000, as in a Frappe bench
SOCKETIO_PORT=${CRM_SOCKETIO_PORT:-$((HTTP_PORT + 1000))}
ADMIN_PASSWORD=${CRM_ADMIN_PASSWORD:-admin}
# MariaDB account that creates and drops the sites' databases: one per bench folder, since each keeps its own
# password (benches sharing one account reset each other's password while creating sites)
DB_ADMIN_USER=${CRM_DB_ADMIN_USER:-crm_app_dbadmin_$(printf '%s' "$DEV_DIR" | sha1sum | cut -c1-8)}
FRAPPE_BRANCH=${FRAPPE_BRANCH:-version-15}     # with FRAPPE_GIT: take Frappe from that git remote instead
YARN_VERSION=1.22.22
PYTHON=${PYTHON:-python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

export PATH="$TOOLS_DIR/bin:$TOOLS_DIR/node/node_modules/.bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1

CURRENT_STEP="start"

say() { printf '    %s\n' "$*"; }
step() {
	CURRENT_STEP=$1
	printf '==> %s\n' "$1"
}
die() {
	printf '!!  step "%s" failed: %s\n' "$CURRENT_STEP" "$*" >&2
	exit 1
}
on_error() {
	local code=$?
	printf '!!  step "%s" failed (exit %s) at %s: %s\n' "$CURRENT_STEP" "$code" "${BASH_SOURCE[1]}:${BASH_LINENO[0]}" "$BASH_COMMAND" >&2
	exit "$code"
}
trap on_error ERR

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "needs root for: $*"; fi
}

apt_install() {
	command -v apt-get >/dev/null || die "missing: $* (no apt-get here: install them by hand)"
	say "installing from Debian: $*"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

wait_for() {
	local what=$1
	shift
	for _ in $(seq 1 60); do
		"$@" && return 0
		sleep 0.5
	done
	die "$what did not come up within 30 s"
}

mariadb_reachable() { mariadb-admin --host=127.0.0.1 --user=nobody --connect-timeout=2 ping >/dev/null 2>&1; }
redis_reachable() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

# SQL as MariaDB's root over the local socket (works with unix_socket auth and with an empty password).
root_sql() { as_root mariadb --user=root --batch --skip-column-names --execute="$1"; }

db_admin_password() {
	local file="$DEV_DIR/db-admin-password"
	[ -s "$file" ] || { mkdir -p "$DEV_DIR" && head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$file"; }
	cat "$file"
}
admin_sql() {
	mariadb --host=127.0.0.1 --user="$DB_ADMIN_USER" --password="$(db_admin_password)" --batch --skip-column-names \
		--execute="$1"
}
# A dedicated account with a password: Frappe's new-site cannot log in as a root without one.
ensure_db_admin() {
	if admin_sql "select 1" >/dev/null 2>&1; then
		say "database admin account $DB_ADMIN_USER: ok"
		return
	fi
	say "creating database admin account $DB_ADMIN_USER (password in $DEV_DIR/db-admin-password)"
	local password
	password=$(db_admin_password)
	local host
	for host in localhost 127.0.0.1; do
		root_sql "create user if not exists '$DB_ADMIN_USER'@'$host';
			alter user '$DB_ADMIN_USER'@'$host' identified by '$password';
			grant all privileges on *.* to '$DB_ADMIN_USER'@'$host' with grant option;"
	done
	admin_sql "select 1" >/dev/null || die "cannot log in as $DB_ADMIN_USER"
}

drop_db_admin() {
	local host
	for host in localhost 127.0.0.1; do root_sql "drop user if exists '$DB_ADMIN_USER'@'$host'"; done
}

hash_files() {
	# content hash of files and folders (sorted, names included); missing paths hash as empty
	local path
	for path in "$@"; do
		if [ -e "$path" ]; then
			find "$path" -type f -not -path '*/__pycache__/*' -not -path '*/node_modules/*' -not -path '*/public/dist/*' -print0 |
				sort -z | xargs -0 -r sha1sum
		fi
	done | sha1sum | cut -d' ' -f1
}
stamp_ok() { [ "$(cat "$STAMP_DIR/$1" 2>/dev/null)" = "$2" ]; }
stamp_set() { mkdir -p "$STAMP_DIR" && printf '%s' "$2" >"$STAMP_DIR/$1"; }
stamp_clear() { rm -f "$STAMP_DIR/$1"*; }

bench_in() { (cd "$BENCH_DIR" && bench "$@") 2>&1 | tr '\r' '\n' | sed -e '/^Updating DocTypes for/d' -e '/^verbose /d'; }

# Merge settings into a site's (or the bench's) config file without starting Frappe.
update_site_config() {
	local kind=$1 file=$2
	"$PYTHON" - "$kind" "$file" "$(id -u)" "$REDIS_URL" "$HTTP_PORT" "$SOCKETIO_PORT" <<'PY'
import json, os, sys
kind, path, uid, redis = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
web_port, socketio_port = int(sys.argv[5]), int(sys.argv[6])
config = json.load(open(path)) if os.path.exists(path) else {}
wanted = {
	"common": {
		"db_host": "127.0.0.1",
		"redis_cache": redis,
		"redis_queue": redis,
		"redis_socketio": redis,
		"webserver_port": web_port,
		"socketio_port": socketio_port,
		**({"frappe_user": "root"} if uid == "0" else {}),
	},
	# no proxy serves /socket.io beside gunicorn here: the desk reaches the realtime server on its own port,
	# as under `bench start` (socketio_client.js connects to socketio_port when dev_server is set). The test
	# site's desk does only in the tests that start one (tests/conftest.py `realtime_url`).
	"dev": {"developer_mode": 1, "website_context": {"dev_server": 1}},
	"test": {"allow_tests": True},
}[kind]
if any(config.get(k) != v for k, v in wanted.items()):
	config.update(wanted)
	with open(path, "w") as f:
		json.dump(config, f, indent=1, sort_keys=True)
	print("    updated", path)
PY
}

site_db_name() { printf 'crmapp_%s' "$(printf '%s' "$1" | tr -c 'a-zA-Z0-9' '_')"; }

# What a migrate depends on: when it changes, the site is migrated.
migrate_key() {
	printf '%s %s' "$(git -C "$BENCH_DIR/apps/frappe" rev-parse HEAD)" \
		"$(hash_files "$ROOT/crm_app/hooks.py" "$ROOT/crm_app/patches.txt" "$ROOT/crm_app/modules.txt" \
			"$ROOT/crm_app/install.py" "$ROOT/crm_app/fixtures" \
			$(find "$ROOT/crm_app" -name '*.json' -path '*/doctype/*' -o -name '*.json' -path '*/report/*' | sort))"
}

site_installed_apps() {
	# reads what Frappe records, straight from the database (fast, no Frappe start-up)
	local site=$1 config="$BENCH_DIR/sites/$1/site_config.json"
	[ -f "$config" ] || return 1
	"$PYTHON" - "$config" <<'PY' | (read -r name password && mariadb --host=127.0.0.1 --user="$name" \
		--password="$password" --batch --skip-column-names "$name" \
		--execute="select defvalue from tabDefaultValue where parent='__global' and defkey='installed_apps'") 2>/dev/null
import json, sys
c = json.load(open(sys.argv[1]))
print(c["db_name"], c["db_password"])
PY
}

ensure_site() {
	local site=$1 kind=dev apps
	[ "$site" = "$TEST_SITE" ] && kind=test
	apps=$(site_installed_apps "$site" || true)
	if [[ "$apps" != *'"frappe"'* ]]; then
		say "creating the site (database $(site_db_name "$site"))"
		rm -rf "${BENCH_DIR:?}/sites/$site"
		stamp_clear "migrate-$site"
		bench_in new-site "$site" --force --db-name "$(site_db_name "$site")" --admin-password "$ADMIN_PASSWORD" \
			--db-root-username "$DB_ADMIN_USER" --db-root-password "$(db_admin_password)"
		bench_in --site "$site" execute frappe.desk.page.setup_wizard.setup_wizard.setup_complete \
			--kwargs '{"args": {"language": "English", "country": "France", "timezone": "Europe/Paris", "currency": "EUR"}}'
		[ "$kind" = dev ] && bench_in --site "$site" enable-scheduler
	fi
	update_site_config "$kind" "$BENCH_DIR/sites/$site/site_config.json"
	if [[ "$apps" != *'"crm_app"'* ]] && [[ "$(site_installed_apps "$site")" != *'"crm_app"'* ]]; then
		say "installing crm_app"
		bench_in --site "$site" install-app crm_app
		stamp_set "migrate-$site" "$(migrate_key)"
		stamp_set "cache-$site" "$(cache_key)"
	fi
	local migrate_now cache_now
	migrate_now=$(migrate_key)
	cache_now=$(cache_key)
	if ! stamp_ok "migrate-$site" "$migrate_now"; then
		say "app changed since the last migrate: migrating"
		bench_in --site "$site" migrate
		stamp_set "migrate-$site" "$migrate_now"
		stamp_set "cache-$site" "$cache_now"
	elif ! stamp_ok "cache-$site" "$cache_now"; then
		# form and tree scripts and translations are cached by the site: drop the stale copies
		say "scripts or translations changed: clearing the site's cache"
		bench_in --site "$site" clear-cache
		stamp_set "cache-$site" "$cache_now"
	else
		say "up to date"
	fi
}

cache_key() {
	hash_files "$ROOT/crm_app/translations" $(find "$ROOT/crm_app" -name '*.js' \( -path '*/doctype/*' -o -path '*/report/*' \) | sort)
}
