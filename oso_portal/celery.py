"""The Celery application. Tasks: requests/tasks.py; beat schedules: common/schedules.py.

Start a worker with ``celery -A oso_portal worker --concurrency 1`` and beat with
``celery -A oso_portal beat`` (``manage.py run_all`` does both for the demo).
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oso_portal.settings")

app = Celery("oso_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def broker_folders(transport_options: dict) -> list[Path]:
    """The folders kombu's filesystem transport needs; it creates none of them itself."""
    keys = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    return [Path(transport_options[key]) for key in keys if transport_options.get(key)]


@app.on_after_configure.connect
def _create_broker_folders(sender: Celery, **kwargs) -> None:
    # Runs once in every process that loads the configuration (web, worker, beat,
    # manage.py), before the first connection, so publishing never meets a missing folder.
    if str(sender.conf.broker_url).startswith("filesystem:"):
        for folder in broker_folders(sender.conf.broker_transport_options or {}):
            folder.mkdir(parents=True, exist_ok=True)


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(sender=None, logger=None, **kwargs) -> None:
    """Mask BSNs in what a worker or beat logs: Celery sets up its handlers outside LOGGING.

    Celery calls this once for its root logger and once for the task logger, after
    adding their handlers; each handler gets ``RedactBsnFilter``.
    """
    # Imported here: this module loads with the package, before the settings.
    from common.security import install_redact_filter

    if logger is not None:
        install_redact_filter(logger)


@worker_process_init.connect
def official_check_per_process(**kwargs) -> None:
    """Each prefork child makes its own Saxon processor and compiles the stylesheets.

    SaxonC's state must not cross a fork, so nothing is made in the parent; doing it
    here keeps the first task of a child from paying for the compilation.
    """
    from oso_format.reader import official_check_warm_up

    official_check_warm_up()
