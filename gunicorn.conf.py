"""gunicorn settings for `make run` (bind and workers come from the Makefile)."""

# An over-long URL must reach the app, which answers 400 problem+json; gunicorn's own limit
# would answer an HTML 414 first.
limit_request_line = 0
worker_class = "sync"
preload_app = True
graceful_timeout = 30
accesslog = "-"
