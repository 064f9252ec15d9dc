#!/bin/sh
# OSO Portal container entrypoint: one image, one role per container (docker-compose.yml).
#   web     migrate, sync the beat schedules, collect static files, then gunicorn
#   worker  a Celery worker
#   beat    sync the beat schedules, then Celery beat (django-celery-beat's database scheduler)
#   mock    the mock ELK/OSO endpoint with the demo data
# Anything else runs as given (e.g. `docker compose run web python manage.py seed_demo`).
set -eu

case "${1:-web}" in
  web)
    python manage.py migrate --noinput
    python manage.py sync_schedules
    python manage.py collectstatic --noinput --verbosity 0
    exec gunicorn --config python:oso_portal.gunicorn_conf oso_portal.wsgi:application \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-4}" \
      --access-logfile - \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
    ;;
  worker)
    exec celery -A oso_portal worker -l info \
      --concurrency "${WORKER_CONCURRENCY:-2}" --without-gossip --without-mingle
    ;;
  beat)
    python manage.py sync_schedules
    exec celery -A oso_portal beat -l info \
      -S django_celery_beat.schedulers:DatabaseScheduler --pidfile /tmp/celerybeat.pid
    ;;
  mock)
    exec python -m elk_mock --host 0.0.0.0 --port "${MOCK_PORT:-8765}" \
      --dataset "${MOCK_DATASET:-demo}" --notify-url "${MOCK_NOTIFY_URL:-}"
    ;;
  *)
    exec "$@"
    ;;
esac
