"""gunicorn's gthread worker, answering its own errors as problem+json like the app does.

gunicorn refuses an over-long request line (414), oversized headers (431) or a malformed
request (400) before the app runs, with an HTML page. The contract promises problem+json for
every error, so this worker writes those answers in the same envelope.
"""

import json

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
         431: "request_header_fields_too_large", 500: "internal_error", 501: "not_implemented"}
DETAILS = {414: "The request line is longer than the server accepts (8190 bytes).",
           431: "The request headers are larger than the server accepts.",
           500: "The server could not answer this request."}


def write_problem(sock, status_int, reason, mesg):
    """Write gunicorn's own error answer as application/problem+json."""
    body = json.dumps({
        "type": "about:blank", "title": reason, "status": status_int,
        "detail": DETAILS.get(status_int) or "The request could not be read.",
        "code": CODES.get(status_int, "bad_request")}, separators=(",", ":")).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n"
            "Cache-Control: no-store\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)


# Worker.handle_error writes through util.write_error: in a gunicorn process that runs this
# worker class, every such answer is problem+json (the message never echoes the request).
util.write_error = write_problem


class ProblemThreadWorker(ThreadWorker):
    """The gthread worker (threads per worker, keep-alive) with problem+json error answers."""
