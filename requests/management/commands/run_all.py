"""``python manage.py run_all``: the whole product in one terminal (``make run`` calls it).

Starts the web app (runserver), one Celery worker, Celery beat and, when the
endpoint URL points at this machine, the mock ELK/OSO endpoint with the demo data;
Ctrl-C (SIGINT) or SIGTERM stops them all. Every child gets this process's
environment, so with no variables set they share the SQLite database and the
filesystem broker under var/, exactly like a plain ``manage.py`` call.
"""

from __future__ import annotations

import os
import signal
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from requests.management.supervisor import Child, Supervisor
from requests.services.beat import periodic_tasks_sync

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = "Run web, worker, beat and the mock endpoint together; Ctrl-C stops them all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="web address (runserver)")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help="worker processes (default 1 on SQLite, 2 otherwise)",
        )
        parser.add_argument("--no-web", action="store_true", help="do not start the web app")
        parser.add_argument("--no-mock", action="store_true", help="do not start the mock")
        parser.add_argument(
            "--mock-dataset", default="demo", help="data set of the mock (python -m elk_mock)"
        )
        parser.add_argument("--mock-clock", default=None, help="start date of the mock's clock")

    def handle(self, *args, **options) -> None:
        synced = periodic_tasks_sync()
        if synced.created:
            self.stdout.write(_("Beat schedules created: %s") % ", ".join(synced.created))
        env = self._environment(options)
        children = self._children(options, env)
        supervisor = Supervisor(children=children, env=env, cwd=str(settings.BASE_DIR))
        signal.signal(signal.SIGINT, supervisor.request_stop)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        supervisor.start()
        names = ", ".join(f"{child.name} (pid {child.pid})" for child in children)
        self.stdout.write(_("Started: %s") % names)
        if not options["no_web"]:
            self.stdout.write(
                _("OSO Portal: http://%(addr)s/ — stop everything with Ctrl-C.")
                % {"addr": options["addr"]}
            )
        if any(child.name == "mock" for child in children):
            self.stdout.write(
                _(
                    "Mock endpoint: %(url)s — move its clock to release later files, e.g. "
                    "curl -X POST '%(url)s/control/clock?date=2021-05-11'"
                )
                % {"url": settings.OSO_ENDPOINT_URL.rstrip("/")}
            )
        exited = supervisor.wait()
        if exited is not None:
            self.stderr.write(
                _("%(name)s stopped unexpectedly (exit code %(code)s); stopping the others.")
                % {
                    "name": exited.name,
                    "code": exited.process.returncode if exited.process else "?",
                }
            )
        else:
            self.stdout.write(_("Stopping..."))
        supervisor.stop()
        if exited is not None:
            raise CommandError(_("%(name)s stopped unexpectedly.") % {"name": exited.name})
        self.stdout.write(_("Everything stopped."))

    def _environment(self, options) -> dict[str, str]:
        """This process's environment, with the notification callback wired for the demo.

        The worker registers waiting requests with the callback URL of the web app started
        here (unless OSO_NOTIFICATION_CALLBACK_URL names another), and the mock signs its
        callbacks with the portal's shared secret.
        """
        env = dict(os.environ)
        if settings.OSO_NOTIFICATIONS and options["no_web"] and not self._callback_url_set():
            # No web app here to be called back on: the worker keeps polling as before.
            env["OSO_NOTIFICATIONS"] = "0"
        elif settings.OSO_NOTIFICATIONS:
            env.setdefault("OSO_NOTIFICATION_CALLBACK_URL", self._callback_url(options))
            env["ELK_MOCK_NOTIFY_SECRET"] = settings.OSO_NOTIFICATION_SECRET or ""
        return env

    @staticmethod
    def _callback_url_set() -> bool:
        return bool(os.environ.get("OSO_NOTIFICATION_CALLBACK_URL"))

    @staticmethod
    def _callback_url(options) -> str:
        if os.environ.get("OSO_NOTIFICATION_CALLBACK_URL"):
            return os.environ["OSO_NOTIFICATION_CALLBACK_URL"]
        return f"http://{options['addr']}/oso/notifications/"

    def _children(self, options, env: dict[str, str] | None = None) -> list[Child]:
        python = sys.executable
        concurrency = options["concurrency"] or (1 if settings.USING_SQLITE else 2)
        if settings.USING_SQLITE and concurrency != 1:
            raise CommandError(_("SQLite allows one worker process: use --concurrency 1."))
        worker = [python, "-m", "celery", "-A", "oso_portal", "worker", "-l", "info"]
        worker += ["--pool", "prefork", "--concurrency", str(concurrency)]
        worker += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        beat = [python, "-m", "celery", "-A", "oso_portal", "beat", "-l", "info"]
        beat += ["-S", "django_celery_beat.schedulers:DatabaseScheduler"]
        beat += ["--pidfile", str(settings.VAR_DIR / "celerybeat.pid")]
        children = []
        if not options["no_mock"]:
            mock = self._mock_command(options, env or {})
            if mock:
                children.append(Child("mock", mock))
        children += [Child("worker", worker), Child("beat", beat)]
        if not options["no_web"]:
            web = [python, "manage.py", "runserver", options["addr"], "--noreload"]
            children.append(Child("web", web))
        return children

    def _mock_command(self, options, env: dict[str, str]) -> list[str] | None:
        """The mock endpoint, on the host and port of OSO_ENDPOINT_URL when that is local."""
        url = urlsplit(settings.OSO_ENDPOINT_URL)
        if url.hostname not in _LOCAL_HOSTS:
            self.stdout.write(
                _("OSO_ENDPOINT_URL is not on this machine: the mock endpoint is not started.")
            )
            return None
        command = [sys.executable, "-m", "elk_mock", "--host", url.hostname]
        command += ["--port", str(url.port or 80), "--dataset", options["mock_dataset"]]
        if options["mock_clock"]:
            command += ["--clock", options["mock_clock"]]
        if env.get("OSO_NOTIFICATION_CALLBACK_URL") and env.get("OSO_NOTIFICATIONS") != "0":
            command += ["--notify-url", env["OSO_NOTIFICATION_CALLBACK_URL"]]
        return command
