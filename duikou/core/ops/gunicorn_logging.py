"""gunicorn's logger without the /healthz lines (a monitor asks every few seconds)."""

from gunicorn.glogging import Logger


class QuietHealthLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") == "/healthz":
            return
        super().access(resp, req, environ, request_time)
