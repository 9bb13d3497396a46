"""gunicorn settings for `make run`, `make bench` and production (bind comes from the caller).

Every setting can still be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

# WEB_CONCURRENCY is the convention hosting platforms use for the worker count.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Chosen by measurement (README, "Benchmark"): gthread keeps client connections alive, which
# sync workers cannot, and a few threads per worker overlap the socket work; the SQLite reads
# are per thread and read-only.
worker_class = os.environ.get("OSSA_WORKER_CLASS", "gthread")
threads = int(os.environ.get("OSSA_THREADS", "4"))
# An over-long URL must reach the app, which answers 400 problem+json; gunicorn's own limit
# would answer an HTML 414 first.
limit_request_line = 0
# Load the app once in the master: a bad database or unsafe production settings stop the
# start-up with one clear message instead of every worker failing on its own.
preload_app = True
# On SIGTERM workers stop accepting, finish the requests in flight, then exit.
graceful_timeout = 30
keepalive = 5
# The app writes one JSON access-log line per request itself (no query strings, no tokens);
# gunicorn's access log would record full URLs, which can carry what a patient typed.
accesslog = None
errorlog = "-"
