#!/usr/bin/env bash
# A MariaDB primary and its read replica on loopback, for the tests and benchmarks of reads from a replica
# (issue 23): two servers of this bench (.bench/replica/{primary,replica}), the replica following the
# primary's binary log (GTID) and read-only, and a site of this bench on them: a copy of SOURCE_SITE's
# database on the primary, `read_from_replica` set, so Frappe's `frappe.read_only()` calls read from the
# replica. The machine's own MariaDB is not touched (its binary log is usually off, and turning it on
# needs a restart).
# Usage: dev/replica.sh start [SOURCE_SITE]   (re)start both servers, copy the site, wait for the replica
#        dev/replica.sh pause | resume   the replica stops applying the primary's changes | applies them
#                                         again and catches up (tests: a read that answers the paused
#                                         replica's figures was read from the replica)
#        dev/replica.sh stop
#        dev/replica.sh status
# Prints the replica site's name last. Exit code 3: the MariaDB server binaries are missing here.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"

REPLICA_DIR="$DEV_DIR/replica"
PRIMARY_PORT=${CRM_REPLICA_PRIMARY_PORT:-3316}
REPLICA_PORT=${CRM_REPLICA_PORT:-3317}
SOURCE_SITE=${2:-$TEST_SITE}
REPLICA_SITE="replica-$SOURCE_SITE"
REPLICATION_USER=crm_replication

find_binaries() {
	MARIADBD=$(command -v mariadbd || command -v mysqld || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; } || true)
	INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db || true)
	if [ -z "$MARIADBD" ] || [ -z "$INSTALL_DB" ]; then
		echo "MariaDB server binaries missing (mariadbd, mariadb-install-db): install Debian's mariadb-server" >&2
		exit 3
	fi
}

sql_on() {
	local role=$1
	shift
	mariadb --socket="$REPLICA_DIR/$role/mysqld.sock" --user=root --batch --skip-column-names "$@"
}

running() { sql_on "$1" --execute="select 1" >/dev/null 2>&1; }

start_server() {
	local role=$1 port=$2 server_id=$3
	shift 3
	local dir="$REPLICA_DIR/$role"
	if running "$role"; then
		say "$role: running on port $port"
		return
	fi
	if [ ! -d "$dir/data/mysql" ]; then
		say "$role: creating its data directory"
		mkdir -p "$dir/data"
		"$INSTALL_DB" --no-defaults --datadir="$dir/data" --user="$(id -un)" --auth-root-authentication-method=socket \
			--skip-test-db >"$dir/install.log" 2>&1 || die "mariadb-install-db failed (see $dir/install.log)"
	fi
	say "$role: starting on 127.0.0.1:$port"
	setsid "$MARIADBD" --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" --port="$port" \
		--bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --user="$(id -un)" \
		--server-id="$server_id" --skip-name-resolve --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=64M "$@" </dev/null >/dev/null 2>&1 &
	wait_for "$role MariaDB" running "$role"
}

start() {
	find_binaries
	[ -f "$BENCH_DIR/sites/$SOURCE_SITE/site_config.json" ] || die "no site $SOURCE_SITE: run dev/setup.sh first"
	start_server primary "$PRIMARY_PORT" 1 --log-bin=primary-bin --binlog-format=ROW
	start_server replica "$REPLICA_PORT" 2 --read-only=1 --relay-log=replica-relay --skip-slave-start
	if [ "$(sql_on replica --execute="select count(*) from information_schema.slave_status" 2>/dev/null || echo 0)" = 0 ] ||
		! sql_on replica --execute="show slave status\G" | grep -q "Slave_IO_Running: Yes"; then
		say "replica: following the primary"
		local password
		password=$(db_admin_password)
		sql_on primary --execute="create user if not exists '$REPLICATION_USER'@'127.0.0.1' identified by '$password';
			grant replication slave on *.* to '$REPLICATION_USER'@'127.0.0.1';"
		sql_on replica --execute="stop slave; change master to master_host='127.0.0.1', master_port=$PRIMARY_PORT,
			master_user='$REPLICATION_USER', master_password='$password', master_use_gtid=slave_pos; start slave;"
	fi
	copy_site
	catch_up
	echo "$REPLICA_SITE"
}

# The source site's database copied to the primary under its own name (Frappe prefixes Redis keys with
# the database name: the copy must not read the source site's cache), and the replica site's config.
copy_site() {
	local config="$BENCH_DIR/sites/$SOURCE_SITE/site_config.json" db_name db_password
	read -r db_name db_password < <("$PYTHON" -c 'import json, sys; c = json.load(open(sys.argv[1])); print(c["db_name"], c["db_password"])' "$config")
	local copy_name
	copy_name=$(site_db_name "$REPLICA_SITE")
	say "copying $SOURCE_SITE's database to the primary as $copy_name"
	sql_on primary --execute="drop database if exists \`$copy_name\`; create database \`$copy_name\`
			character set utf8mb4 collate utf8mb4_unicode_ci;
		create user if not exists '$copy_name'@'127.0.0.1' identified by '$db_password';
		alter user '$copy_name'@'127.0.0.1' identified by '$db_password';
		grant all privileges on \`$copy_name\`.* to '$copy_name'@'127.0.0.1';"
	mariadb-dump --host=127.0.0.1 --user="$db_name" --password="$db_password" --single-transaction --quick \
		--skip-lock-tables --no-tablespaces "$db_name" | sql_on primary "$copy_name"
	mkdir -p "$BENCH_DIR/sites/$REPLICA_SITE"/{logs,locks,public/files,private/files,private/backups}
	"$PYTHON" - "$config" "$BENCH_DIR/sites/$REPLICA_SITE/site_config.json" "$copy_name" "$PRIMARY_PORT" \
		"$REPLICA_PORT" <<'PY'
import json, sys
source, target, name, primary, replica = sys.argv[1:]
config = json.load(open(source))
config.update(
	db_name=name,
	db_host="127.0.0.1",
	db_port=int(primary),
	read_from_replica=1,
	replica_host="127.0.0.1",
	replica_db_port=int(replica),
)
json.dump(config, open(target, "w"), indent=1, sort_keys=True)
PY
}

catch_up() {
	local wanted
	wanted=$(sql_on primary --execute="select @@gtid_binlog_pos")
	for _ in $(seq 1 120); do
		[ "$(sql_on replica --execute="select @@gtid_slave_pos")" = "$wanted" ] && { say "replica: caught up ($wanted)"; return; }
		sleep 0.5
	done
	sql_on replica --execute="show slave status\G" >&2
	die "the replica did not catch up with the primary within 60 s"
}

stop() {
	local role
	for role in replica primary; do
		if [ -f "$REPLICA_DIR/$role/mysqld.pid" ]; then
			kill "$(cat "$REPLICA_DIR/$role/mysqld.pid")" 2>/dev/null || true
		fi
	done
	for role in replica primary; do
		for _ in $(seq 1 60); do running "$role" || break; sleep 0.5; done
	done
	# its sites go with it: a bench command over every site would fail on their stopped servers
	rm -rf "$BENCH_DIR"/sites/replica-*
	say "stopped"
}

status() {
	local role
	for role in primary replica; do
		if running "$role"; then say "$role: running"; else say "$role: stopped"; fi
	done
	running replica && sql_on replica --execute="show slave status\G" | grep -E "Running|Gtid_IO_Pos|Last_.*Error:" || true
}

case "${1:-start}" in
start)
	step "MariaDB primary and replica"
	start
	;;
pause)
	find_binaries
	sql_on replica --execute="stop slave sql_thread"
	say "replica: paused"
	;;
resume)
	find_binaries
	sql_on replica --execute="start slave"
	catch_up
	;;
stop) stop ;;
status) status ;;
*) die "usage: dev/replica.sh start [SITE] | pause | resume | stop | status" ;;
esac
