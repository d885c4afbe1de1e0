"""Production gunicorn settings: gunicorn -c config/gunicorn.conf.py config.wsgi

Threaded workers (gthread): a slow client holds one thread, not a whole worker, and a long
request (an export of a large organization, a report) does not stop the worker's heartbeat, so
`timeout` only kills a worker that is really stuck. Run it behind a buffering proxy (nginx, see
the README), which reads whole requests before passing them on, so slow uploads and slow
readers never reach the threads. Every value can be overridden from the environment.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2)
threads = _int("GUNICORN_THREADS", 8)
# A worker whose main loop is silent this long is restarted (requests themselves run in threads).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On a reload or stop, requests in flight (a large export) get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 120)
# Idle keep-alive connections from the proxy are closed after this many seconds.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced after this many requests (with jitter, so not all at once): a slow leak
# in a library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Request line, header count and header size limits (Django's own limit the body).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The proxy in front sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Access lines carry the path without its query string.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
