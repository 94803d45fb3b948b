"""A plain WSGI app: a visit counter with a health endpoint."""
import json

VISITS = {"count": 0}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        body = b"ok\n"
        ctype = "text/plain"
    elif path == "/":
        VISITS["count"] += 1
        # Only what is the same in every container: the probe compares bodies.
        body = json.dumps({"service": "visits", "visits": VISITS["count"]}).encode()
        ctype = "application/json"
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]
