"""How ossa is served: nginx (buffering slow clients, refusing over-long URLs) in front of
gunicorn's gthread workers, as `make run` starts them. docs/deploy.md has the measurements."""
