"""gunicorn settings for deploy/systemd/workshops-web.service (read from the environment)."""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Print files are built by the queue, so no request should take long; the proxy waits 60s.
timeout = 60
graceful_timeout = 30
# Reuse connections from nginx's keepalive pool rather than open one per request.
keepalive = 75
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Recycle workers now and then so slow leaks (PDF rendering) never build up.
max_requests = 2000
max_requests_jitter = 200

if os.environ.get("LOG_FORMAT") == "json":
    # The app writes its own access line (with request id and duration, tokens hidden);
    # gunicorn's own messages go out as JSON too, so every line of the journal parses.
    accesslog = None
    errorlog = "-"
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "workshops.logging_setup.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO",
                                       "propagate": False}},
    }
else:
    accesslog = "-"
    errorlog = "-"
