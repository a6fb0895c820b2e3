"""The application, written to WSGI: the interface every Python app server speaks.

gunicorn, uWSGI or waitress can serve `app.wsgi:application` as it is; in this sandbox
app/server.py serves it with the standard library.
"""
import json
import os
import sys
import time

from quickhash import etag

STARTED = time.monotonic()


def _reply(start_response, status, body, environ):
    data = (json.dumps(body) + "\n").encode()
    tag = etag(data)
    if environ.get("HTTP_IF_NONE_MATCH") == tag:
        start_response("304 Not Modified", [("ETag", tag)])
        return [b""]
    start_response(status, [("Content-Type", "application/json"), ("ETag", tag), ("Content-Length", str(len(data)))])
    return [data]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if environ.get("REQUEST_METHOD") != "GET":
        return _reply(start_response, "405 Method Not Allowed", {"error": "only GET is served here"}, environ)
    if path == "/health":
        uptime = round(time.monotonic() - STARTED)
        return _reply(start_response, "200 OK", {"status": "ok", "uptimeSeconds": uptime}, environ)
    if path == "/":
        body = {
            "message": "Hello from a multi-stage Python build",
            "python": sys.version.split()[0],
            "uid": os.getuid(),
        }
        return _reply(start_response, "200 OK", body, environ)
    return _reply(start_response, "404 Not Found", {"error": "no route for " + path}, environ)
