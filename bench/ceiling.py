"""The ceiling: a Flask app with one constant-JSON route, served exactly like ossa."""

from flask import Flask

BODY = {"status": "ok", "service": "ceiling"}


def create_app():
    """Create the smallest Flask app that answers JSON."""
    app = Flask(__name__)
    app.get("/const")(lambda: BODY)
    return app
