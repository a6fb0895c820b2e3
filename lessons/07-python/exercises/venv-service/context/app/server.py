"""Serve app.wsgi with the standard library: wsgiref plus one thread per request.

This keeps the sandbox free of packages we cannot download. It is fine for a small internal
service; a busy public one wants a real app server (gunicorn, waitress), which is one more line
in requirements.txt and a different CMD.
"""
import os
import signal
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .wsgi import application


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class LogHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        # One line per request on stdout, where container logs are collected.
        print("%s %s" % (self.address_string(), format % args), flush=True)


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = make_server("0.0.0.0", port, application, ThreadingWSGIServer, LogHandler)
    # With an exec-form CMD, python is process 1 and gets the stop signal itself. Process 1 has
    # no default signal handling, so without this `docker stop` waits ten seconds, then kills.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print("status-service listening on port %d as uid %d" % (port, os.getuid()), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
