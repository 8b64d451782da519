"""gunicorn settings for Tessera's web app: ``gunicorn -c deploy/gunicorn.conf.py tessera.wsgi``.

Used by deploy/Procfile (``make cluster``), the Docker image and ``bench/run.py``; every
value can be changed per machine through the environment (below) or a command-line flag,
which gunicorn applies after this file. Measured in docs/performance.md ("Fifth round").
"""

from __future__ import annotations

import os

# Two processes per machine (docs/operations.md), each serving one request at a time, and
# accepting a connection only while it is idle. A request holds Python's GIL for most of
# its time: with four threads a process interleaved its requests (each one's latency grew
# with the others') and took connections while busy, so one process often queued several
# while the other had none. One thread and ``worker_connections = threads`` leave a waiting
# connection in the listen queue until a process is free: at 1,000,000 tickets the lists'
# p99 fell from 61-172 ms to 31-65 ms at the same or higher throughput (docs/performance.md,
# "Tenth round"). More concurrency per machine: more processes (WEB_CONCURRENCY), ~95-105 MB
# each; a slow request then occupies its process, not a share of one.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# No HTTP keep-alive: gunicorn hands a connection to the worker process that accepted it
# for as long as the connection lives. With kept-alive connections (a load balancer's
# pool, a busy API client) one worker often held all of them while the other idled: the
# same list served 126 req/s with all eight benchmark connections on one worker and 253
# with four on each. Closed after each response, every request goes to the worker that
# accepts first, which is the idle one. A reverse proxy in front (nginx speaks HTTP/1.0 to
# its upstreams by default) keeps the clients' own connections alive.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))

# A worker takes as many connections as it has threads; with keep-alive on, gunicorn's
# default (1,000), since an idle kept-alive connection counts against the limit.
worker_connections = int(
    os.environ.get("GUNICORN_WORKER_CONNECTIONS") or (threads if keepalive == 0 else 1000)
)

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# A process is replaced after about 2,000 requests, so a slow leak cannot grow forever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
