"""The WSGI entry point gunicorn serves (`shopgraph.webapp.wsgi:app`).

Sessions and CSRF tokens are signed with SHOPGRAPH_SECRET_KEY. Every gunicorn worker must sign with the same
key, or a shopper signed in by one worker is a stranger to the next; without the variable each worker would
make up its own, so this entry point refuses to start instead. (`shopgraph serve` generates a key once and
keeps it in $SHOPGRAPH_HOME/secret_key.)
"""
from shopgraph.graph.config import current
from shopgraph.webapp.app import create_app


class MissingSecretKey(RuntimeError):
    """SHOPGRAPH_SECRET_KEY is not set."""


if not current().secret_key:
    raise MissingSecretKey(
        "SHOPGRAPH_SECRET_KEY is not set: every gunicorn worker needs the same secret key, or sessions break "
        "between workers. Set it to a long random value (python -c 'import secrets; print(secrets.token_hex(32))'),"
        " or run `shopgraph serve`, which keeps one in $SHOPGRAPH_HOME/secret_key.")

app = create_app()
