#!/usr/bin/env bash
# `make run`: the development server and, beside it, the task worker that makes the long
# documents and sends e-mail. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT INT TERM

.venv/bin/python manage.py runserver 127.0.0.1:8000
