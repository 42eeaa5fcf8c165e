"""The local Neo4j Community server: fetch its jars, configure, start, stop, report.

The server is the real Neo4j 5.26 LTS, assembled from Maven Central artefacts (the same jars the
Neo4j distribution ships) and run as ``java org.neo4j.server.CommunityEntryPoint`` in the
background. It binds 127.0.0.1 only, keeps data and logs in its instance folder, and keeps auth
on with a generated password stored beside the data.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from shopgraph.graph.config import current
from shopgraph.graph.settings import LocalServer, home
from shopgraph.graph.timeouts import KEEP_ALIVE_SECONDS, batch_timeout, server_transaction_timeout

POM = Path(__file__).resolve().parent / "neo4j-runtime.pom.xml"
INSTALL_HINT = ("run `make install` (as root it installs them from Debian: "
                "apt-get install -y openjdk-17-jdk-headless maven)")


class ServerError(RuntimeError):
    """The local server could not be prepared, started or stopped; the message says what to do."""


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    server: LocalServer
    password: str | None


def lib_dir() -> Path:
    return home() / "neo4j-lib"


def java_executable() -> str:
    java_home = current().java_home
    if java_home and (java_home / "bin" / "java").exists():
        return str(java_home / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise ServerError(f"Java 17 or 21 is needed to run Neo4j and none was found; {INSTALL_HINT}")
    return java


def ensure_artefacts(quiet: bool = False) -> Path:
    """Resolve the Neo4j jars with Maven on first use; later calls reuse them."""
    lib = lib_dir()
    marker = lib / ".complete"
    if marker.exists() and marker.read_text() == POM.read_text():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerError(f"Maven is needed to fetch Neo4j from Maven Central and none was found; {INSTALL_HINT}")
    if not quiet:
        print("Fetching Neo4j Community from Maven Central (first use only)...", flush=True)
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={lib}"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ServerError("Maven could not fetch the Neo4j artefacts:\n" + (result.stdout + result.stderr)[-2000:])
    marker.write_text(POM.read_text())
    return lib


def _heap() -> str:
    # Sized for a 2-core, 24 GB machine that also runs the app and model training.
    return current().neo4j_heap


def jvm_options() -> list[str]:
    """The JVM flags Neo4j's own launcher script would give the server.

    The server is started as a plain ``java`` command, so nothing reads ``server.memory.heap.*``
    from neo4j.conf: without ``-Xms``/``-Xmx`` the JVM took a quarter of the machine's memory and
    began with a small heap that it grew, collection by collection, during the first load.
    """
    heap = _heap()
    return [f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow",
            "-XX:+AlwaysPreTouch", "-XX:+UnlockExperimentalVMOptions", "-XX:+TrustFinalNonStaticFields",
            "-XX:+DisableExplicitGC", "-XX:+ExitOnOutOfMemoryError", "-Djdk.nio.maxCachedBufferSize=1024",
            "-Dio.netty.tryReflectionSetAccessible=true", "-Dfile.encoding=UTF-8"]


def _config(server: LocalServer) -> str:
    folder = server.folder
    heap = _heap()
    pagecache = current().neo4j_pagecache
    return f"""# Written by `shopgraph neo4j start`; edits are overwritten at the next start.
server.default_listen_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:{server.bolt_port}
server.bolt.advertised_address=127.0.0.1:{server.bolt_port}
server.http.listen_address=127.0.0.1:{server.http_port}
server.http.advertised_address=127.0.0.1:{server.http_port}
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.heap.initial_size={heap}
server.memory.heap.max_size={heap}
server.memory.pagecache.size={pagecache}
db.tx_log.rotation.retention_policy=1 files
# Transactions that name no timeout (the Browser, cypher-shell) stop after this; ShopGraph's own name theirs.
db.transaction.timeout={server_transaction_timeout()}
# Keep-alives while a query runs let the driver tell a frozen server (silent twice this long) from a slow query.
server.bolt.connection_keep_alive={KEEP_ALIVE_SECONDS}s
server.directories.data={folder / "data"}
server.directories.logs={folder / "logs"}
server.directories.run={folder / "run"}
server.directories.import={folder / "import"}
server.directories.plugins={folder / "plugins"}
# The shop serves a Neo4j Browser guide; the Browser may play guides from the app's address.
# Neo4j 5.26 declares this setting under its old name (…_whitelist) and hands it to the Browser through
# dbms.clientConfig(); the newer …_allowlist spelling is not recognised there and would be ignored.
# neo4j-admin does not declare the browser.* settings, hence strict validation off.
server.config.strict_validation.enabled=false
browser.remote_content_hostname_whitelist={current().guide_hosts}
"""


def _pid_file(server: LocalServer) -> Path:
    return server.folder / "run" / "neo4j.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie left by our own Popen is not a running server
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def _running_pid(server: LocalServer) -> int | None:
    pid_file = _pid_file(server)
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip())
    except ValueError:
        return None
    return pid if _alive(pid) else None


def status(server: LocalServer | None = None) -> Status:
    server = server or LocalServer.from_env()
    password = server.password_file.read_text().strip() if server.password_file.exists() else None
    pid = _running_pid(server)
    return Status(running=pid is not None, pid=pid, server=server, password=password)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _admin(java: str, lib: Path, server: LocalServer, *args: str) -> None:
    env = dict(os.environ, NEO4J_HOME=str(server.folder), NEO4J_CONF=str(server.folder / "conf"))
    result = subprocess.run(
        [java, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise ServerError(f"neo4j-admin {' '.join(args[:2])} failed:\n{(result.stdout + result.stderr)[-2000:]}")


def _wait_for_bolt(server: LocalServer, password: str, pid: int, timeout: float) -> None:
    from neo4j import GraphDatabase, Query
    from neo4j.exceptions import ServiceUnavailable

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            log = server.folder / "logs" / "console.log"
            tail = log.read_text()[-3000:] if log.exists() else ""
            raise ServerError(f"Neo4j exited while starting; the end of {log}:\n{tail}")
        if _port_open(server.bolt_port):
            try:
                with GraphDatabase.driver(f"bolt://127.0.0.1:{server.bolt_port}", auth=("neo4j", password)) as driver:
                    # The first query of a cold server can outlast a short db.transaction.timeout: name our own.
                    driver.execute_query(Query("RETURN 1", timeout=batch_timeout()), database_="neo4j")
                return
            except ServiceUnavailable:
                pass
        time.sleep(0.5)
    raise ServerError(f"Neo4j did not answer on Bolt port {server.bolt_port} within {timeout:.0f} s")


def start(server: LocalServer | None = None, timeout: float = 180.0) -> tuple[Status, bool]:
    """Start the server unless it runs already; returns its status and whether this call started it."""
    server = server or LocalServer.from_env()
    current = status(server)
    if current.running:
        return current, False
    for port in (server.bolt_port, server.http_port):
        if _port_open(port):
            raise ServerError(f"port {port} on 127.0.0.1 is taken by another program; stop it or set "
                              "SHOPGRAPH_NEO4J_BOLT_PORT / SHOPGRAPH_NEO4J_HTTP_PORT")
    java = java_executable()
    lib = ensure_artefacts()
    folder = server.folder
    for sub in ("conf", "data", "logs", "run", "import", "plugins"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "conf" / "neo4j.conf").write_text(_config(server))

    if not server.password_file.exists() or not (folder / "data" / "dbms").exists():
        # The initial password only takes effect before the first start, so it is set with the data.
        # Hex, not URL-safe base64: a password starting with '-' would be read by neo4j-admin as an option.
        password = secrets.token_hex(18)
        _admin(java, lib, server, "dbms", "set-initial-password", password)
        server.password_file.write_text(password + "\n")
        server.password_file.chmod(0o600)
    password = server.password_file.read_text().strip()

    command = [java, *jvm_options(), "-cp", f"{lib}/*", "org.neo4j.server.CommunityEntryPoint",
               f"--home-dir={folder}", f"--config-dir={folder / 'conf'}"]
    # A shell starts the server in the background and exits at once, so the server belongs to no
    # Python process (no zombie, no child to reap) and outlives the command that started it.
    launcher = subprocess.run(
        ["sh", "-c", 'exec "$@" >>"$LOG" 2>&1 </dev/null & echo $!', "launch", *command],
        capture_output=True, text=True, check=True, start_new_session=True,
        env=dict(os.environ, NEO4J_HOME=str(folder), NEO4J_CONF=str(folder / "conf"),
                 LOG=str(folder / "logs" / "console.log")),
    )
    pid = int(launcher.stdout.strip())
    _pid_file(server).write_text(str(pid))
    try:
        _wait_for_bolt(server, password, pid, timeout)
    except ServerError:
        stop(server)
        raise
    return status(server), True


def stop(server: LocalServer | None = None, timeout: float = 60.0) -> bool:
    """Stop the server; returns False when it was not running."""
    server = server or LocalServer.from_env()
    pid = _running_pid(server)
    if pid is None:
        _pid_file(server).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.3)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    _pid_file(server).unlink(missing_ok=True)
    return True
