"""gunicorn wsgi:app, flask --app wsgi ..."""

import os

from workshops import create_app

# BENCH_ENDPOINTS=1 is only ever set by `make bench`'s own servers: off, the routes do not exist.
app = create_app({"BENCH_ENDPOINTS": os.environ.get("BENCH_ENDPOINTS") == "1"})
if app.config["BENCH_ENDPOINTS"]:
    from bench.endpoints import register

    register(app)
