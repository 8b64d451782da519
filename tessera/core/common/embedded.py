"""The embedded task worker of development servers.

``manage.py runserver`` alone must give a working Tessera (the automation contract of
issue 2, and ``make run``): with ``TESSERA_EMBEDDED_WORKER`` on (the default of local
settings), the serving process runs the database task queue and the periodic scheduler in
two daemon threads. Production runs ``db_worker``/``rqworker`` and ``run_scheduler`` as
separate processes instead.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from django.conf import settings

logger = logging.getLogger("tessera.worker")
_started = False


def _should_start() -> bool:
    if not getattr(settings, "TESSERA_EMBEDDED_WORKER", False):
        return False
    if len(sys.argv) < 2 or sys.argv[1] != "runserver":
        return False
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return False
    # with the autoreloader, only the child process (RUN_MAIN) serves requests
    return "--noreload" in sys.argv or os.environ.get("RUN_MAIN") == "true"


def _scheduler_loop() -> None:
    from tessera.core.common.scheduler import enqueue_due

    last: dict[str, float] = {}
    while True:
        try:
            enqueue_due(last, now=time.monotonic())
        except Exception:  # keep the loop alive; the next tick retries
            logger.exception("could not enqueue the periodic tasks")
        time.sleep(1)


def start_embedded_worker() -> None:
    global _started
    if _started or not _should_start():
        return
    _started = True
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0.5,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"embedded-{os.getpid()}",
        excluded_queue_names=[],
    )
    threading.Thread(target=worker.run, name="tessera-worker", daemon=True).start()
    threading.Thread(target=_scheduler_loop, name="tessera-scheduler", daemon=True).start()
    logger.info("embedded task worker and scheduler started")
