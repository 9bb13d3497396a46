"""gunicorn settings for `make run`, `make bench` and production (bind comes from the caller).

Every setting can still be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

# WEB_CONCURRENCY is the convention hosting platforms use for the worker count.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Chosen by measurement (README, "Benchmark"): gthread keeps client connections alive, which
# sync workers cannot, and a few threads per worker overlap the socket work; the SQLite reads
# are per thread and read-only.
# gthread, whose own error answers (414, 400 …) are problem+json like the app's.
worker_class = os.environ.get("OSSA_WORKER_CLASS", "serving.worker.ProblemThreadWorker")
threads = int(os.environ.get("OSSA_THREADS", "4"))
# Bounded: an unbounded line (0) lets one client stall a worker for seconds, as gunicorn's
# parser copies the buffer per chunk. A longer line gets a problem+json 414 (from nginx in
# front, or from the worker class above).
limit_request_line = 8190
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
