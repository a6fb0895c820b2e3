"""Used by the image's HEALTHCHECK: the slim image has no curl, but it has Python.

Exit code 0 means healthy, 1 means unhealthy. http.client rather than urllib.request: it is all a
local GET needs, and it imports in a fraction of the time, which counts on a busy machine.
"""
import http.client
import os
import sys

connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=2)
try:
    connection.request("GET", "/health")
    healthy = connection.getresponse().status == 200
except OSError:
    healthy = False
sys.exit(0 if healthy else 1)
