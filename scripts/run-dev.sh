#!/usr/bin/env bash
# Serve the site and run the background task worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"

"$PY" manage.py xapi_deliver --schedule
"$PY" manage.py db_worker --queue-name "*" &
worker=$!
cleanup() {
  kill "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "Web: http://127.0.0.1:${PORT:-8000}/   worker pid: $worker   (Ctrl-C stops both)"
"$PY" manage.py runserver "127.0.0.1:${PORT:-8000}"
