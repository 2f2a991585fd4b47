"""gunicorn settings for both web pools (Procfile, bin/serve, deploy/systemd/educonnect-web@.service).

Everything comes from the environment, like the Django settings:
- GUNICORN_BIND (default 127.0.0.1:8000): the pool's address; the reverse proxy routes to it;
- WEB_CONCURRENCY (default 2): processes of this pool — about one per core given to the pool;
- GUNICORN_THREADS (default 2): threads per process (requests waiting on PostgreSQL overlap);
- GUNICORN_TIMEOUT (default 60 s): a request running longer is killed (the slowest synchronous
  request is a class's letters PDF, a few seconds; whole establishments go to the worker).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests (bounds any slow leak), not all at once.
max_requests = 5000
max_requests_jitter = 500
# The application writes the access lines itself (educonnect.observability, JSON in production).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# X-Forwarded-* only from the reverse proxies the application trusts (same list as Django's).
forwarded_allow_ips = os.environ.get("EDUCONNECT_TRUSTED_PROXIES", "").replace(" ", "")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "educonnect")
wsgi_app = "educonnect.wsgi:application"
# No control socket: both pools would share its default path ($HOME/.gunicorn/gunicorn.ctl);
# systemd (or honcho) signals the processes instead (HUP reloads, TERM stops gracefully).
control_socket_disable = True
