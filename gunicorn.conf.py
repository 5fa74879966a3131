"""gunicorn's configuration for valdprogram, read from the working directory:

    .venv/bin/gunicorn valdprogram.wsgi

Threaded workers, so that a health check or a row save never waits behind a slow page in
the same process: each worker serves `GUNICORN_THREADS` requests at once. Long documents
are made by the task worker (`manage.py db_worker`), not here, so a request that takes
longer than `timeout` is a fault and its worker is replaced.

Every value can be set from the environment; `make bench` starts its servers with this
file too.
"""

import multiprocessing
import os
import sys
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {value!r}.") from None


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value is not None else default
    except ValueError:
        raise SystemExit(f"{name} must be a number, not {value!r}.") from None


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# One process per core, several threads each: Django's work is mostly waiting on the
# database, and threads share a process's memory (and its connection pool per thread).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
threads = _int("GUNICORN_THREADS", 8)
# Seconds: a request still running after `timeout` has its worker restarted; on a restart
# (SIGHUP) or shutdown (SIGTERM) running requests get `graceful_timeout` to finish.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Replace each worker after about this many requests (jittered, so not all at once): a slow
# leak in a library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# A worker's threads share one interpreter lock, which a thread drawing a page hands over
# only every `sys.getswitchinterval()` (5 ms by default) — and a short request (a health
# check, a row save) waits for it again after each read from the socket or the database.
# Behind a few pages being drawn that added up to tens of milliseconds for /healthz; at 1 ms
# short requests get through, for a little of the pages' throughput.
_switch_interval = _float("GUNICORN_SWITCH_INTERVAL", 0.001)


def post_worker_init(worker: Any) -> None:
    """Runs in each new worker after Django is loaded, before its first request."""
    sys.setswitchinterval(_switch_interval)
    from valdprogram.warmup import warm

    warm()


# The heartbeat file lives in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# One line per request on stdout: client, time, request, status, bytes, milliseconds, user agent.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Addresses allowed to set X-Forwarded-* (the TLS proxy in front); Django reads the scheme
# only when BEHIND_TLS_PROXY is on.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
