"""status-service: a small WSGI application and the server that runs it."""
