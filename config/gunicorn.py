"""Gunicorn in production: `gunicorn config.wsgi --config config/gunicorn.py`.

Procfile, the Dockerfile and docker-compose.yml all start web with this file; bench/load.py
measures with it. Every number can be changed from the environment (README, "Production
settings"); the defaults are for one small host behind a reverse proxy or load balancer.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Threads, not processes only: a request mostly waits on PostgreSQL or Redis, and a thread
# that waits costs no CPU. Kept-alive connections wait in each worker's poller, not in a
# thread, so a long keep-alive costs one file descriptor, not a thread.
worker_class = "gthread"
# Processes: about one per core (the GIL lets one thread of a process run Python at a time).
# Not read from the machine: in a container that would be the host's cores.
workers = _int("WEB_CONCURRENCY", 2)
# Concurrent requests per process; settings size each process's database pool to match.
threads = _int("WEB_THREADS", 4)

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Connections the kernel queues while every thread is busy (capped by net.core.somaxconn).
backlog = _int("GUNICORN_BACKLOG", 2048)

# Keep-alive must outlast the idle timeout of whatever sends us requests: the load balancer
# or proxy (nginx's upstream keepalive_timeout and AWS ALB's idle timeout: 60 s), or a
# client reusing its connection. Gunicorn's default of 2 s closed idle connections while a
# client was sending its next request on them, and the client got "connection reset by
# peer" (bench/load.md): the side that reuses a connection must be the one that closes it.
keepalive = _int("GUNICORN_KEEPALIVE", 75)

# A gthread worker is killed when its main loop (not a request) misses heartbeats for this
# long. Slow requests are bounded in the database instead: web processes run each SQL
# statement with statement_timeout (DATABASE_STATEMENT_TIMEOUT, set below).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, `docker compose stop`) a worker stops accepting and finishes its
# requests for up to this long; compose's stop_grace_period is longer.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Each worker is replaced after about this many requests, so that memory a library leaks
# or fragments is given back; the jitter spreads the restarts so that workers never
# restart together. A stopping worker answers requests already on its kept-alive
# connections with "Connection: close" before it closes them.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# The heartbeat file in memory: a container's /tmp may be on a slow overlay filesystem.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented choice
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# One line per request on stdout; GUNICORN_ACCESS_LOG="" turns it off (the proxy logs too).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"

# A request may hold a database connection (and its row locks) this long at most.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "30s")


def worker_exit(server, worker):
    """Close the worker's database pools: PostgreSQL sees its connections end cleanly."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "close_pool"):
            connection.close_pool()
