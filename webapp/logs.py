"""The app's log lines, each naming the request it was written for.

Every line carries ``request_id=<id>`` (``-`` outside a request): ``RequestIdFormatter`` fills it in from the
request the logging thread is handling. ``configure()`` runs from the app factory; gunicorn leaves the root
logger alone, as do the Flask dev server and a plain script, so there the app's lines go to stderr in ``FORMAT``,
beside gunicorn's own. A host that set up logging itself (pytest, an app embedding this one) keeps its handlers
and may use ``RequestIdFormatter`` in them. gunicorn's access log takes the id from the response header
(``ACCESS_FORMAT``, set in ``webapp.gunicorn_conf``): it is written after the request is gone.
"""
from __future__ import annotations

import logging

from shopgraph.graph.config import current
from shopgraph.webapp import request_ids

FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] request_id=%(request_id)s %(name)s: %(message)s"
#: gunicorn's own, so its lines and the app's read alike.
DATE_FORMAT = "[%Y-%m-%d %H:%M:%S %z]"
#: gunicorn's default (the combined log format) and the request's id.
ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'


class RequestIdFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.request_id = request_ids.current() or "-"
        return super().format(record)


def configure() -> None:
    """Unless logging is set up already: the app's lines to stderr in ``FORMAT``, at ``SHOPGRAPH_LOG_LEVEL``
    (default WARNING, what Python shows when nothing is set up). Once per process, however many apps."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(RequestIdFormatter(FORMAT, DATE_FORMAT))
    root.addHandler(handler)
    root.setLevel(current().log_level)
