"""gunicorn settings for Duikou (`gunicorn -c deploy/gunicorn.conf.py duikou.wsgi`).

Every value can be overridden from the environment (deploy/duikou.env.example) so one file
serves every machine. The workers are synchronous: the pages are database-bound and short;
long work (imports, planning runs, big exports) goes to `duikou db_worker`.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("DUIKOU_BIND", "127.0.0.1:8000")
# 2 × cores + 1 (gunicorn's rule of thumb: one process waits on the database while another
# computes). Each holds one PostgreSQL connection (CONN_MAX_AGE=60): the sum over all machines
# must stay below max_connections (100 by default) less the workers' and the admins'.
workers = _int("DUIKOU_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A page should answer in well under a second; 60 s kills only a stuck one (the year-end
# workbook, the 1M-row CSV stream and the imports run in the background or stream).
timeout = _int("DUIKOU_WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle each process now and then (memory growth of long-lived Python processes), jittered so
# they do not restart together.
max_requests = _int("DUIKOU_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# gunicorn's per-worker liveness files on a RAM disk (a slow /tmp disk stalls the workers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Trust X-Forwarded-* only from the local proxy (nginx on the same machine).
forwarded_allow_ips = os.environ.get("DUIKOU_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Logs: to stderr (journald). The access log names no query string (%(U)s is the path alone:
# a search box's words or a filter never reach it), no client address, no referrer and no user
# agent; the application's own request log (duikou.request, JSON under DUIKOU_LOG_FORMAT=json)
# adds the user's id. Set DUIKOU_ACCESS_LOG=0 to keep only that one.
errorlog = "-"
loglevel = os.environ.get("DUIKOU_GUNICORN_LOGLEVEL", "info")
accesslog = "-" if os.environ.get("DUIKOU_ACCESS_LOG", "1") != "0" else None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms pid=%(p)s'
logger_class = "duikou.core.ops.gunicorn_logging.QuietHealthLogger"
# gunicorn's control socket (gunicornc): off unless a path is given; two masters on one machine
# would otherwise share $HOME/.gunicorn/gunicorn.ctl.
if os.environ.get("DUIKOU_GUNICORN_CONTROL"):
    control_socket = os.environ["DUIKOU_GUNICORN_CONTROL"]
else:
    control_socket_disable = True
# The application is imported once in the master, then forked: less memory, faster restarts.
preload_app = True
