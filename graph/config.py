"""Every setting the shop reads from its environment, in one typed, frozen ``Settings`` object.

Each field names its variable, its type (the parser), its default, a one-line description and whether it is a
secret; ``VARIABLES`` lists them in order, and the README's settings table, ``shopgraph config`` and a test
that scans the source for variable names all go by it, so a variable cannot be read without being documented.

``current()`` is what the code asks: the settings of this process, parsed once and kept. A bad value is one
``SettingsError`` naming every variable at fault and what it expects, raised by the first ``current()`` (the
app factory, gunicorn's configuration, the command line), never deep inside a request. The kept object is read
again only when the process changes one of the variables itself (gunicorn's arbiter naming the metrics folder
for its workers, a test's ``monkeypatch.setenv``), so nothing ever sees a stale value; comparing the few dozen
raw strings is all a repeated ``current()`` costs.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ENVIRONMENT = "environment"
DEFAULT = "default"

#: Names whose values are secret whatever their declaration says: never printed, never logged.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|CREDENTIAL|PRIVATE|API_KEY", re.IGNORECASE)


class SettingsError(ValueError):
    """One or more variables hold something unusable; the message names each and what it expects."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class _Invalid(ValueError):
    """A parser's refusal; ``Variable.parse`` turns it into a problem naming the variable."""


# -- parsers: text in, a typed value out, or _Invalid saying what was expected -------------------------------
def text(value: str) -> str:
    return value


def path(value: str) -> Path:
    return Path(value).expanduser()


def paths(value: str) -> tuple[Path, ...]:
    return tuple(Path(part).expanduser() for part in value.split(os.pathsep) if part.strip())


def _number(value: str, low: float, high: float, expected: str, high_included: bool = False) -> float:
    """``value`` as a finite number from ``low`` to ``high`` (``high`` itself only when ``high_included``)."""
    try:
        number = float(value)
    except ValueError:
        raise _Invalid(expected) from None
    if not low <= number <= high or (number == high and not high_included):
        raise _Invalid(expected)
    return number


def seconds(value: str) -> float:
    return _number(value, 0.0, float("inf"), "a number of seconds, 0 or more")


def days(value: str) -> float:
    return _number(value, 0.0, float("inf"), "a number of days, 0 or more (0 keeps everything)")


def whole(minimum: int, maximum: int | None = None, unit: str = "") -> Callable[[str], int]:
    expected = (f"a whole number{unit} from {minimum} to {maximum}" if maximum is not None
                else f"a whole number{unit}, {minimum} or more")

    def parse(value: str) -> int:
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            raise _Invalid(expected) from None
        if number < minimum or (maximum is not None and number > maximum):
            raise _Invalid(expected)
        return number

    return parse


port = whole(1, 65535)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _Invalid("1, true, yes or on; 0, false, no or off")


def memory_size(value: str) -> str:
    if not re.fullmatch(r"\d+[kKmMgG]?", value):
        raise _Invalid("a size such as 512m or 2g")
    return value.lower()


def neo4j_duration(value: str) -> str:
    if not re.fullmatch(r"\d+(ms|s|m|h|d)?", value):
        raise _Invalid("a Neo4j duration such as 60s, 500ms or 2m")
    return value


def log_level(value: str) -> str:
    level = value.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise _Invalid("one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    return level


def rate_limits(value: str) -> str:
    from limits import parse_many  # Flask-Limiter's own parser: what it accepts, this accepts

    try:
        if parse_many(value):
            return value
    except ValueError:
        pass
    raise _Invalid('limits such as "5 per 15 minutes" or "30 per minute;200 per hour"')


def storage_uri(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*://.*", value):
        raise _Invalid("a storage URI such as memory:// or redis://host:6379")
    return value


def neo4j_uri(value: str) -> str:
    if not re.fullmatch(r"(neo4j|bolt)(\+s|\+ssc)?://\S+", value):
        raise _Invalid("a Neo4j URI such as neo4j://host:7687 or bolt://host:7687")
    return value


def diversity_cap(value: str) -> int | str | None:
    lowered = value.lower()
    if lowered == "auto":
        return "auto"
    if lowered == "off":
        return None
    if lowered.isdigit() and int(lowered) > 0:
        return int(lowered)
    raise _Invalid("auto, off or a whole number above 0")


def share(value: str) -> float:
    return _number(value, 0.0, 1.0, "a share from 0 up to, not including, 1")


# -- one variable --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variable:
    """One environment variable: how it is parsed, its default, and what it means."""

    name: str
    parse: Callable[[str], Any]
    #: The value when the variable is unset or empty; a callable derives it from the settings read before it.
    default: Any
    description: str
    #: The default as the README's settings table says it (Markdown).
    shown_default: str
    secret: bool = False

    @property
    def masked(self) -> bool:
        return self.secret or bool(SECRET_NAME.search(self.name))

    def read(self, environ: Mapping[str, str], earlier: Mapping[str, Any]) -> tuple[Any, str]:
        """The value and where it came from (``ENVIRONMENT`` or ``DEFAULT``); raises ``_Invalid`` with the
        variable's name and what it expects."""
        raw = (environ.get(self.name) or "").strip()
        if not raw:
            return (self.default(earlier) if callable(self.default) else self.default), DEFAULT
        try:
            return self.parse(raw), ENVIRONMENT
        except _Invalid as error:
            shown = "(hidden)" if self.masked else repr(_hide_uri_password(raw))
            raise _Invalid(f"{self.name}={shown}: expected {error}") from None


def _setting(name: str, parse: Callable[[str], Any], default: Any, description: str, *, shown: str | None = None,
             secret: bool = False) -> Any:
    variable = Variable(name, parse, default, description, shown if shown is not None else _shown_default(default),
                        secret)
    return field(metadata={"variable": variable}, repr=not variable.masked)


def _shown(value: Any) -> str:
    """A value as the variable would be written: 1/0, 10 rather than 10.0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown_default(default: Any) -> str:
    return "unset" if default is None else f"`{_shown(default)}`"


# -- defaults derived from other settings (or from where the code runs) ---------------------------------------
def checkout() -> Path | None:
    """The source checkout this code runs from, or None when it runs from an installed wheel."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").exists() and (root / "cypher").is_dir() else None


def _default_home(earlier: Mapping[str, Any]) -> Path:
    source = checkout()
    if source is not None:
        return source / ".shopgraph"
    return (earlier["xdg_data_home"] / "shopgraph").resolve()


def _default_artifacts(earlier: Mapping[str, Any]) -> Path:
    return (checkout() or earlier["home"]) / "artifacts"


def _default_cache(earlier: Mapping[str, Any]) -> Path:
    return earlier["xdg_cache_home"] / "shopgraph"


# -- the settings ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The shop's settings, one field per environment variable (``VARIABLES``), typed and validated."""

    # Where state lives.
    xdg_data_home: Path = _setting(
        "XDG_DATA_HOME", path, lambda _: Path.home() / ".local" / "share", shown="`~/.local/share`",
        description="the user's data folder; an installed (not checked-out) shop keeps its home in it")
    xdg_cache_home: Path = _setting(
        "XDG_CACHE_HOME", path, lambda _: Path.home() / ".cache", shown="`~/.cache`",
        description="the user's cache folder, under which downloaded datasets are kept")
    home: Path = _setting(
        "SHOPGRAPH_HOME", lambda value: path(value).resolve(), _default_home,
        shown="`.shopgraph/` in a checkout, else `$XDG_DATA_HOME/shopgraph`",
        description="the local Neo4j's jars, data, logs and password, the generated secret key, the metrics folder")
    artifacts: Path = _setting(
        "SHOPGRAPH_ARTIFACTS", path, _default_artifacts,
        shown="`artifacts/` in a checkout, else in `$SHOPGRAPH_HOME`",
        description="trained model versions (`artifacts/models/<version>/`)")
    data_dir: Path | None = _setting(
        "SHOPGRAPH_DATA_DIR", path, None, shown="unset: `--path` or a download",
        description="a folder of shared datasets, one sub-folder per dataset, read before downloading")
    cache_dir: Path = _setting(
        "SHOPGRAPH_CACHE_DIR", path, _default_cache, shown="`$XDG_CACHE_HOME/shopgraph`",
        description="where downloaded datasets are kept and reused")

    # Which Neo4j, and how it is reached.
    neo4j_uri: str | None = _setting(
        "NEO4J_URI", neo4j_uri, None, shown="unset: the local server",
        description="an existing Neo4j server to use; ShopGraph then never starts its own")
    neo4j_user: str = _setting("NEO4J_USER", text, "neo4j",
                               description="the user for `NEO4J_URI`")
    neo4j_password: str = _setting("NEO4J_PASSWORD", text, "", shown="unset", secret=True,
                                   description="the password for `NEO4J_URI` (the local server's is generated)")
    neo4j_database: str = _setting("NEO4J_DATABASE", text, "neo4j",
                                   description="the database the shop's graph lives in")
    neo4j_instance: str = _setting(
        "SHOPGRAPH_NEO4J_INSTANCE", text, "server",
        description="the local server's folder under `$SHOPGRAPH_HOME` (tests and the bench run their own)")
    neo4j_bolt_port: int = _setting("SHOPGRAPH_NEO4J_BOLT_PORT", port, 7687,
                                    description="the local server's Bolt port")
    neo4j_http_port: int = _setting("SHOPGRAPH_NEO4J_HTTP_PORT", port, 7474,
                                    description="the local server's HTTP port (the Neo4j Browser)")
    neo4j_heap: str = _setting("SHOPGRAPH_NEO4J_HEAP", memory_size, "2g",
                               description="the local server's JVM heap (`-Xms`/`-Xmx`)")
    neo4j_pagecache: str = _setting("SHOPGRAPH_NEO4J_PAGECACHE", memory_size, "1g",
                                    description="the local server's page cache")
    neo4j_transaction_timeout: str = _setting(
        "SHOPGRAPH_NEO4J_TRANSACTION_TIMEOUT", neo4j_duration, "60s",
        description="the local server's `db.transaction.timeout`, for clients that name no timeout")
    guide_hosts: str = _setting(
        "SHOPGRAPH_GUIDE_HOSTS", text, "127.0.0.1,localhost",
        description="hosts the local server's Neo4j Browser may play guides from")
    java_home: Path | None = _setting("JAVA_HOME", path, None, shown="unset: `java` on the `PATH`",
                                      description="the Java that runs the local server")

    # How long the shop waits on Neo4j.
    query_timeout: float = _setting(
        "SHOPGRAPH_QUERY_TIMEOUT", seconds, 10.0,
        description="seconds a web request's transaction may run or wait for locks; past it, a 503 with "
                    "`Retry-After`")
    batch_timeout: float = _setting(
        "SHOPGRAPH_BATCH_TIMEOUT", seconds, 0.0, shown="`0`: none",
        description="the same for loaders, training's publish and the other `shopgraph` commands")
    strategy_timeout: float = _setting(
        "SHOPGRAPH_STRATEGY_TIMEOUT", seconds, 2.0,
        description="seconds one run of a strategy file may take")

    # The web shop.
    secret_key: str | None = _setting(
        "SHOPGRAPH_SECRET_KEY", text, None, shown="unset: `shopgraph serve` keeps one in `$SHOPGRAPH_HOME`",
        secret=True,
        description="signs sessions, CSRF tokens and device cookies; every worker needs the same one")
    secure_cookies: bool = _setting("SHOPGRAPH_SECURE_COOKIES", flag, False,
                                    description="send cookies over HTTPS only (set it when the shop is on HTTPS)")
    proxy_hops: int = _setting(
        "SHOPGRAPH_PROXY_HOPS", whole(0), 0, shown="`0`: trust no `X-Forwarded-*`",
        description="reverse proxies in front of the shop whose `X-Forwarded-For`/`-Proto`/`-Host` are trusted")
    max_body_bytes: int = _setting("SHOPGRAPH_MAX_BODY_BYTES", whole(1, unit=" of bytes"), 1024 * 1024,
                                   shown="`1048576` (1 MiB)",
                                   description="request bodies over this are refused with 413")
    max_url_bytes: int = _setting("SHOPGRAPH_MAX_URL_BYTES", whole(1, unit=" of bytes"), 4000,
                                  description="API URLs (path and query) over this are refused with a JSON 414")
    signin_limit_client: str = _setting("SHOPGRAPH_SIGNIN_LIMIT_CLIENT", rate_limits, "30 per minute;200 per hour",
                                        description="sign-in attempts per client address")
    signin_limit_client_account: str = _setting(
        "SHOPGRAPH_SIGNIN_LIMIT_CLIENT_ACCOUNT", rate_limits, "5 per 15 minutes",
        description="failed sign-ins per client address and account")
    signin_limit_account: str = _setting(
        "SHOPGRAPH_SIGNIN_LIMIT_ACCOUNT", rate_limits, "20 per hour",
        description="failed sign-ins per account from browsers without its device cookie")
    signin_limit_device: str = _setting(
        "SHOPGRAPH_SIGNIN_LIMIT_DEVICE", rate_limits, "10 per 15 minutes",
        description="failed sign-ins from a browser holding the account's device cookie")
    signup_limit: str = _setting("SHOPGRAPH_SIGNUP_LIMIT", rate_limits, "10 per hour;50 per day",
                                 description="sign-ups per client address")
    events_limit: str = _setting("SHOPGRAPH_EVENTS_LIMIT", rate_limits, "600 per minute",
                                 description="`POST /api/v1/events` per client address")
    ratelimit_storage: str = _setting(
        "SHOPGRAPH_RATELIMIT_STORAGE", storage_uri, "memory://", shown="`memory://`: per worker",
        description="where throttling counts live; `redis://host:6379` shares them between workers and hosts")

    # gunicorn, logs and metrics.
    workers: int = _setting("SHOPGRAPH_WORKERS", whole(1), 2,
                            description="gunicorn's worker processes")
    threads: int = _setting("SHOPGRAPH_THREADS", whole(1), 8,
                            description="threads per gunicorn worker")
    access_log: str | None = _setting("SHOPGRAPH_ACCESS_LOG", text, None, shown="unset: none",
                                      description="gunicorn's access log: a file, or `-` for standard output")
    log_level: str = _setting("SHOPGRAPH_LOG_LEVEL", log_level, "WARNING",
                              description="the app's log level (gunicorn's own lines follow its `--log-level`)")
    metrics_token: str | None = _setting(
        "SHOPGRAPH_METRICS_TOKEN", text, None, shown="unset: `/metrics` for this machine only", secret=True,
        description="the bearer token that lets Prometheus scrape `/metrics` from elsewhere")
    prometheus_multiproc_dir: Path | None = _setting(
        "PROMETHEUS_MULTIPROC_DIR", path, None, shown="`$SHOPGRAPH_HOME/prometheus/<address>/`",
        description="where gunicorn's workers write their metrics; give each server its own (it is emptied at start)")
    metrics_queue: int = _setting("SHOPGRAPH_METRICS_QUEUE", whole(1), 20_000, shown="`20000`",
                                  description="served lists and clicks a worker queues for writing; more are dropped")
    metrics_delay: float = _setting("SHOPGRAPH_METRICS_DELAY", seconds, 0.05,
                                    description="seconds a served list or click may wait to be written in a batch")
    list_retention_days: float = _setting(
        "SHOPGRAPH_LIST_RETENTION_DAYS", days, 90.0, shown="`90` (`0` keeps all)",
        description="days served lists and visitors' tallies are kept")

    # Recommendations.
    diversity_cap: int | str | None = _setting(
        "SHOPGRAPH_DIVERSITY_CAP", diversity_cap, "auto",
        description="most products of one category in a list's first ten: `auto` (training's choice), `off` or N")
    diversity_tolerance: float = _setting(
        "SHOPGRAPH_DIVERSITY_TOLERANCE", share, 0.01,
        description="the share of validation NDCG@10 training lets the diversity cap cost")
    strategy_dirs: tuple[Path, ...] = _setting(
        "SHOPGRAPH_STRATEGY_DIRS", paths, (), shown="unset: `cypher/strategies/` only",
        description=f"more folders of strategy files, separated by `{os.pathsep}`")
    strategy_reload: bool = _setting("SHOPGRAPH_STRATEGY_RELOAD", flag, False,
                                     description="read strategy files again on every use (while writing one)")
    candidate_sources: bool = _setting(
        "SHOPGRAPH_CANDIDATE_SOURCES", flag, True, shown="`1`: as each file's header says",
        description="strategy files may feed `hybrid` and `multi` as candidate sources; `off` stops every one")

    #: The variables set in the environment (the rest took their defaults).
    from_environment: frozenset[str] = field(default=frozenset(), repr=False)

    def source(self, name: str) -> str:
        """``ENVIRONMENT`` or ``DEFAULT``: where the variable ``name`` took its value."""
        return ENVIRONMENT if name in self.from_environment else DEFAULT


def _attributes() -> list[tuple[str, Variable]]:
    return [(item.name, item.metadata["variable"]) for item in fields(Settings) if "variable" in item.metadata]


#: Every variable the shop reads, in declaration order.
VARIABLES: tuple[Variable, ...] = tuple(variable for _, variable in _attributes())
NAMES: tuple[str, ...] = tuple(variable.name for variable in VARIABLES)


@dataclass(frozen=True)
class Entry:
    """One variable as read: its value, where it came from, and what is wrong with it (None when nothing is)."""

    attribute: str
    variable: Variable
    value: Any
    source: str
    problem: str | None = None


def entries(environ: Mapping[str, str] | None = None) -> list[Entry]:
    """Every variable as ``environ`` (default: this process's environment) gives it, the unusable ones too
    (with their problem, and the default in their place so later defaults can still be derived)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    found: list[Entry] = []
    for attribute, variable in _attributes():
        try:
            value, source = variable.read(environ, values)
            problem = None
        except _Invalid as error:
            value = variable.default(values) if callable(variable.default) else variable.default
            source, problem = ENVIRONMENT, str(error)
        values[attribute] = value
        found.append(Entry(attribute, variable, value, source, problem))
    return found


def read(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings ``environ`` (default: this process's environment) gives; ``SettingsError`` names every
    variable holding something unusable."""
    found = entries(environ)
    problems = [entry.problem for entry in found if entry.problem]
    if problems:
        raise SettingsError(problems)
    return Settings(**{entry.attribute: entry.value for entry in found},
                    from_environment=frozenset(entry.variable.name for entry in found if entry.source == ENVIRONMENT))


_lock = threading.Lock()
_kept: tuple[tuple[str | None, ...], Settings] | None = None


def _fingerprint() -> tuple[str | None, ...]:
    return tuple(map(os.environ.get, NAMES))


def current() -> Settings:
    """This process's settings: read at the first call and kept while the variables keep their values."""
    global _kept
    fingerprint = _fingerprint()
    kept = _kept
    if kept is not None and kept[0] == fingerprint:
        return kept[1]
    with _lock:
        settings = read()
        _kept = (fingerprint, settings)
    return settings


def reload() -> Settings:
    """Reads the environment again now (``current()`` notices changes by itself; this is for saying so)."""
    global _kept
    with _lock:
        _kept = None
    return current()


def masked(variable: Variable, value: Any) -> str:
    """The value as it may be shown: secrets hidden, a password inside a URI too."""
    if value is None:
        return ""
    if variable.masked:
        return "********"
    shown = os.pathsep.join(str(part) for part in value) if isinstance(value, tuple) else _shown(value)
    return _hide_uri_password(shown)


def _hide_uri_password(value: str) -> str:
    """``value`` with the password of any URI in it hidden: redis://:password@host, neo4j://user:password@host."""
    return re.sub(r"(://[^/@:\s]*:)[^/@\s]+@", r"\1********@", value)

