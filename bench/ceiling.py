"""The ceiling: a bare Flask app with one constant-JSON route, served exactly like ossa.

CEILING_BYTES sets the body's size, so the ceiling sends as many bytes as the answer it is
compared with (`make bench` passes the size of the lookup it measures).
"""

import json
import os

from flask import Flask, Response


def body(size):
    """Return a JSON object of exactly size bytes (at least the bare object's)."""
    bare = json.dumps({"status": "ok", "pad": ""}, separators=(",", ":"))
    return bare.replace('""', '"' + "x" * max(0, size - len(bare)) + '"').encode()


def create_app():
    """Create the smallest Flask app that answers a constant JSON body."""
    app = Flask(__name__)
    data = body(int(os.environ.get("CEILING_BYTES", "0")))
    app.get("/const")(lambda: Response(data, mimetype="application/json"))
    return app
