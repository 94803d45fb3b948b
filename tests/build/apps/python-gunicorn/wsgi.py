"""A plain WSGI app: a visit counter with a health endpoint."""
import json
import os
import socket

VISITS = {"count": 0}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        body = b"ok\n"
        ctype = "text/plain"
    elif path == "/":
        VISITS["count"] += 1
        body = json.dumps(
            {"service": "visits", "worker": os.getpid(), "host": socket.gethostname(), "visits": VISITS["count"]}
        ).encode()
        ctype = "application/json"
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]
