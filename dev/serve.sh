#!/usr/bin/env bash
# Serve the development site: desk and REST API on http://127.0.0.1:8000 (loopback only),
# with a background worker, the scheduler and the realtime (socket.io) server on $SOCKETIO_PORT. Stop with Ctrl+C.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"

step "serve"
say "desk and REST API: http://$HTTP_HOST:$HTTP_PORT  (site $DEV_SITE, login Administrator / $ADMIN_PASSWORD)"
say "realtime (socket.io): http://$HTTP_HOST:$SOCKETIO_PORT"
export BENCH_DIR DEV_SITE DEV_SRC HTTP_HOST HTTP_PORT SOCKETIO_PORT
exec honcho --no-colour -f "$DEV_SRC/Procfile" -d "$ROOT" start
