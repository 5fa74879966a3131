#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432, starting the Debian cluster if not.
set -euo pipefail

host=127.0.0.1
port=5432

ready() { pg_isready --quiet --host="$host" --port="$port" --timeout=3; }

command -v pg_isready >/dev/null || { echo "error: pg_isready not found; is PostgreSQL installed?" >&2; exit 1; }
ready && exit 0

if [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "PostgreSQL is not answering on $host:$port; starting cluster $version/main ..."
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 30); do
        ready && exit 0
        sleep 1
    done
fi

echo "error: PostgreSQL is not answering on $host:$port." >&2
exit 1
