"""gunicorn's settings for the web container (docker/entrypoint.sh) and benchmarks/pages.py.

Command-line options given after ``--config`` override these (the benchmark sets its own
bind address, worker count and access log).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Sync workers: every page is a short database-bound request. Four on two cores keep both
# busy while one worker waits on PostgreSQL (BENCHMARKS.md, pages).
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
