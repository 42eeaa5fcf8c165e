"""Strategy files: a recommender written in Cypher, one file per strategy, served like the built-in ones.

``cypher/strategies/NAME.cypher`` (and any ``*.cypher`` in the folders of ``$SHOPGRAPH_STRATEGY_DIRS``) makes
``NAME`` a strategy. The file follows the named queries' header convention plus a contract (docs/strategies.md):

    // What the strategy finds, in a sentence or two.
    // Parameters: userId (string), k (int), seeds (list of {id, weight}: the shopper's products, strongest first)
    // Columns: productId, score (higher is better), because (a map: {kind: 'bought_with', product: seed id})
    // Candidate source: no
    // Example: shopgraph cypher NAME
    MATCH ... RETURN p.id AS productId, score, {kind: ..., product: ...} AS because ORDER BY score DESC LIMIT $k

``StrategyLibrary`` reads the folders, checks each file against the guard rails (``models.strategy_guard_rails``)
and skips a broken one with a ``path:line: message`` problem: logged, printed by the commands, never fatal. Before
a file's first run it also has Neo4j plan it (``EXPLAIN``). ``candidates`` runs a strategy for one shopper in a
read transaction with a timeout and returns its rows as the candidate sources' ``Candidate`` rows.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shopgraph.graph.config import current
from shopgraph.graph.recommendations import Candidate
from shopgraph.graph.settings import CYPHER_DIR, workspace
from shopgraph.models.strategy_guard_rails import (
    COLUMNS,
    PARAMETERS,
    Problem,
    candidate_source_problems,
    explain_problems,
    text_problems,
)

log = logging.getLogger(__name__)

#: The project's own strategies; ``$SHOPGRAPH_STRATEGY_DIRS`` (the setting ``strategy_dirs``) adds folders after it.
STRATEGY_DIR = CYPHER_DIR / "strategies"
#: How long one strategy may read for one shopper (seconds) before Neo4j stops it: the default of the setting
#: ``strategy_timeout`` (``$SHOPGRAPH_STRATEGY_TIMEOUT``, ``graph.config``), which is what a library without an
#: explicit timeout uses.
DEFAULT_TIMEOUT = 2.0
#: Header fields; any other header line belongs to the field above it, or to the summary before the first field.
FIELDS = ("Parameters", "Columns", "Candidate source", "Example")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: The built-in strategies whose candidates the candidate-source files join (``models.candidate_sources``).
TAKE_CANDIDATE_SOURCES = ("hybrid", "multi")


class UnknownStrategyFile(KeyError):
    pass


@dataclass(frozen=True)
class StrategyFile:
    """One valid strategy file. ``text`` is the whole file, run as it stands (comments included), so the line
    numbers Neo4j reports are the file's."""

    name: str
    path: Path
    text: str
    summary: str
    columns: tuple[str, ...]
    candidate_source: bool
    header: str
    example: str | None = None

    @property
    def version(self) -> str:
        """A short fingerprint of the text: it changes when the file does (lists cached for the old text are stale)."""
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()[:12]

    @property
    def statement(self) -> str:
        """The statement without its header comments (what the Browser guide shows)."""
        lines = self.text.splitlines()
        while lines and (not lines[0].strip() or lines[0].lstrip().startswith("//")):
            lines.pop(0)
        return "\n".join(lines).strip().rstrip(";")

    def header_field(self, name: str) -> str:
        return _header_fields(self.text).get(name, (0, ""))[1]


def default_folders() -> tuple[Path, ...]:
    """The project's folder, then those of the setting ``strategy_dirs`` (``$SHOPGRAPH_STRATEGY_DIRS``)."""
    return (STRATEGY_DIR, *current().strategy_dirs)


def shown(path: Path) -> str:
    """A path as problems name it: relative to the checkout or the shop's home when inside it."""
    try:
        return str(path.resolve().relative_to(workspace()))
    except ValueError:
        return str(path)


# -- reading one file ------------------------------------------------------------------------------------
def _header_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text without ``//``) of the comment lines opening the file."""
    header = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("//"):
            break
        header.append((number, line.lstrip()[2:].strip()))
    return header


def _header_fields(text: str) -> dict[str, tuple[int, str]]:
    """Each header field's first line number and text (continuation lines joined); "" holds the summary."""
    fields: dict[str, tuple[int, str]] = {}
    heading = ""  # the field being read (not ``current``: that is the settings)
    for number, line in _header_lines(text):
        started = next((name for name in FIELDS if line.startswith(f"{name}:")), None)
        if started is not None:
            heading = started
            fields[heading] = (number, line[len(started) + 1:].strip())
        elif line:
            start, before = fields.get(heading, (number, ""))
            fields[heading] = (start, f"{before} {line}".strip())
    return fields


def _column_names(declared: str) -> tuple[str, ...]:
    """``productId, score (higher is better), because ({kind: ...})`` -> the names before each description."""
    names: list[str] = []
    part: list[str] = []
    depth = 0
    for char in declared + ",":
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            found = re.match(r"\s*([A-Za-z_]\w*)", "".join(part))
            if found:
                names.append(found.group(1))
            part = []
        else:
            part.append(char)
    return tuple(names)


def _builtin_names() -> tuple[str, ...]:
    from shopgraph.models.serving import STRATEGIES  # here, not above: serving imports this module

    return STRATEGIES


def read_strategy(path: Path, text: str) -> tuple[StrategyFile | None, list[Problem]]:
    """The strategy a file defines, or None and the problems that keep it out."""
    name = path.stem
    problems: list[Problem] = []
    if not _NAME.match(name):
        problems.append(Problem(1, f"{name!r} cannot name a strategy: use lower-case letters, digits and _, "
                                   "starting with a letter"))
    elif name in _builtin_names():
        problems.append(Problem(1, f"{name!r} is a built-in strategy; name the file otherwise"))
    fields = _header_fields(text)
    if not fields.get("", (0, ""))[1]:
        problems.append(Problem(1, "the header opens by saying what the strategy finds (a // comment line)"))
    if "Parameters" not in fields:
        problems.append(Problem(1, f"no // Parameters: line; a strategy gets {', '.join(PARAMETERS)}"))
    columns: tuple[str, ...] | None = None
    if "Columns" not in fields:
        problems.append(Problem(1, f"no // Columns: line; a strategy returns {', '.join(COLUMNS)}"))
    else:
        line, declared = fields["Columns"]
        columns = _column_names(declared)
        missing = [column for column in COLUMNS if column not in columns]
        if missing:
            problems.append(Problem(line, f"the Columns line declares {', '.join(columns) or 'nothing'}; "
                                          f"a strategy returns {', '.join(COLUMNS)}"))
            columns = None
    line, flag = fields.get("Candidate source", (0, "no"))
    flag_word = (flag.split() or ["no"])[0].rstrip(".,;").lower()
    if flag_word not in ("yes", "no"):
        problems.append(Problem(line, f"Candidate source: says {flag_word!r}; write yes or no"))
    elif flag_word == "yes":
        problems += candidate_source_problems(text, line)
    problems += text_problems(text, columns)
    if problems:
        return None, sorted(problems, key=lambda problem: problem.line)
    example = fields.get("Example", (0, ""))[1] or None
    header = "\n".join(line for _, line in _header_lines(text))
    return StrategyFile(name, path, text.rstrip().rstrip(";"), fields[""][1], columns or COLUMNS,
                        flag_word == "yes", header, example), []


# -- the library -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Shelf:
    """What the folders held when last read: the valid strategies, the problems, and the texts read."""

    seen: tuple[tuple[str, str], ...]
    files: dict[str, StrategyFile] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


class StrategyLibrary:
    """The strategy files of some folders (default: ``cypher/strategies/`` and ``$SHOPGRAPH_STRATEGY_DIRS``).

    Read once, on first use; with ``reload`` (development mode, default the setting ``strategy_reload``,
    ``$SHOPGRAPH_STRATEGY_RELOAD``) the folders are read again on every call, so a new, changed or deleted file
    counts from the next call on, with no restart. Problems and failed runs go to the log (the shop's), unless
    ``log`` is False: a command that prints them itself. Thread-safe: one per process, shared by every request.
    """

    def __init__(self, folders: Sequence[Path] | None = None, *, reload: bool | None = None,
                 timeout: float | None = None, log: bool = True, candidate_sources: bool | None = None) -> None:
        self.folders = tuple(Path(folder) for folder in folders) if folders is not None else default_folders()
        if reload is None:
            reload = current().strategy_reload
        self.reload = reload
        if candidate_sources is None:
            candidate_sources = current().candidate_sources
        #: False (``SHOPGRAPH_CANDIDATE_SOURCES=off``): no file feeds hybrid and multi, whatever its header says.
        self.takes_candidate_sources = candidate_sources
        self._log = log
        self.timeout = timeout if timeout is not None else current().strategy_timeout
        self._lock = threading.Lock()
        self._shelf: _Shelf | None = None
        #: Neo4j's verdict on each file text it planned: its problems, empty when it passed.
        self._verdicts: dict[tuple[Path, str], tuple[str, ...]] = {}
        #: Per strategy: how many runs failed, and the last failure (a timeout, an error Neo4j raised).
        self._failures: dict[str, tuple[int, str]] = {}

    # -- what the folders hold ------------------------------------------------------------------
    def names(self) -> tuple[str, ...]:
        """The valid strategies, sorted."""
        return tuple(sorted(self._valid()))

    def get(self, name: str) -> StrategyFile | None:
        return self._valid().get(name)

    def version(self, name: str) -> str | None:
        """What a list cached for the strategy depends on among the files, so that a changed file (development
        mode) is not answered from the old one's lists: the file's ``version``; for the strategies that take the
        candidate sources (``TAKE_CANDIDATE_SOURCES``), the versions of those files; None for other built-in or
        unknown names."""
        if name in TAKE_CANDIDATE_SOURCES:
            if not self.takes_candidate_sources:
                return None
            # One reading of the folders: in development mode each reading may find other files.
            versions = [f"{source}:{strategy.version}" for source, strategy in sorted(self._valid().items())
                        if strategy.candidate_source]
            return hashlib.sha1(" ".join(versions).encode("utf-8")).hexdigest()[:12] if versions else None
        strategy = self.get(name)
        return strategy.version if strategy is not None else None

    def problems(self) -> list[str]:
        """``path:line: message`` for each file skipped, in the folders' order."""
        shelf = self._current()
        refused = [problem for strategy in shelf.files.values()
                   for problem in self._verdicts.get((strategy.path, strategy.text), ())]
        return [*shelf.problems, *refused]

    def candidate_sources(self) -> tuple[str, ...]:
        """Strategies whose header says ``Candidate source: yes``: candidates for hybrid and multi too (none when
        the library was made with ``candidate_sources=False``)."""
        if not self.takes_candidate_sources:
            return ()
        return tuple(name for name, strategy in sorted(self._valid().items()) if strategy.candidate_source)

    def failures(self) -> dict[str, tuple[int, str]]:
        """Runs that failed since the library was made, per strategy: (how many, the last message)."""
        with self._lock:
            return dict(self._failures)

    # -- Neo4j's check ---------------------------------------------------------------------------
    def verify(self, graph) -> list[str]:
        """Has Neo4j plan every strategy not planned yet (``EXPLAIN``: read-only, the declared columns); a file
        it refuses is skipped from now on. Returns every problem, as ``problems`` does."""
        for strategy in self._current().files.values():
            self._passes(graph, strategy)
        return self.problems()

    def _passes(self, graph, strategy: StrategyFile) -> bool:
        key = (strategy.path, strategy.text)
        verdict = self._verdicts.get(key)
        if verdict is None:
            params = {"userId": "", "k": 10, "seeds": [], "before": None}
            found = explain_problems(graph, strategy.text, strategy.columns, params)
            verdict = tuple(f"{shown(strategy.path)}:{problem.line}: {problem.message}" for problem in found)
            with self._lock:
                self._verdicts[key] = verdict
            self._warn(*(f"strategy file skipped: {problem}" for problem in verdict))
        return not verdict

    # -- running one --------------------------------------------------------------------------
    def candidates(self, graph, name: str, *, user_id: str | None, k: int, seeds: list[dict],
                   before: datetime | None = None) -> list[Candidate]:
        """The strategy's rows for one shopper, as candidates (``source`` the strategy's name, ``reason`` its
        ``because``), best first as the file orders them. ``before`` is ``$before``: None when serving; training
        reads candidate sources as of the start of its validation period. A run that fails (a timeout, an error
        Neo4j raises) is logged and counted in ``failures`` and gives no rows, so the shopper still gets a list; an
        unreachable database still raises, as for every read. Raises ``UnknownStrategyFile`` for a name no file
        defines."""
        from neo4j.exceptions import ClientError

        strategy = self._current().files.get(name)
        if strategy is None:
            raise UnknownStrategyFile(name)
        if not self._passes(graph, strategy):
            return []
        try:
            rows = graph.read(strategy.text, timeout=self.timeout, userId=user_id, k=k, seeds=seeds, before=before)
        except ClientError as error:
            self._failed(name, (error.message or str(error)).strip().splitlines()[0])
            return []
        found = []
        for row in rows:
            if row.get("productId") is None:
                continue
            try:
                score = float(row.get("score") or 0.0)
            except (TypeError, ValueError):
                self._failed(name, f"score {row.get('score')!r} is not a number")
                return []
            found.append(Candidate(name, str(row["productId"]), score, _because(name, row.get("because"))))
        return found

    def _failed(self, name: str, message: str) -> None:
        with self._lock:
            count, _ = self._failures.get(name, (0, ""))
            self._failures[name] = (count + 1, message)
        self._warn(f"strategy {name} failed: {message}")

    def _warn(self, *messages: str) -> None:
        if self._log:
            for message in messages:
                log.warning("%s", message)

    # -- reading the folders --------------------------------------------------------------------------
    def _valid(self) -> dict[str, StrategyFile]:
        """The strategies, without those Neo4j refused."""
        return {name: strategy for name, strategy in self._current().files.items()
                if not self._verdicts.get((strategy.path, strategy.text))}

    def _current(self) -> _Shelf:
        shelf = self._shelf
        if shelf is not None and not self.reload:
            return shelf
        seen = self._scan()
        if shelf is not None and shelf.seen == seen:
            return shelf
        with self._lock:
            if self._shelf is None or self._shelf.seen != seen:
                self._shelf = self._read(seen)
            return self._shelf

    def _scan(self) -> tuple[tuple[str, str], ...]:
        """(path, text) of every ``*.cypher`` file in the folders, in order; an unreadable file's text is the
        error, marked by a leading NUL that no Cypher file starts with."""
        seen = []
        for folder in self.folders:
            if not folder.is_dir():
                seen.append((str(folder), "\0no such folder"))
                continue
            for path in sorted(folder.glob("*.cypher")):
                try:
                    seen.append((str(path), path.read_text(encoding="utf-8")))
                except (OSError, UnicodeDecodeError) as error:
                    seen.append((str(path), f"\0cannot be read: {error}"))
        return tuple(seen)

    def _read(self, seen: tuple[tuple[str, str], ...]) -> _Shelf:
        files: dict[str, StrategyFile] = {}
        problems: list[str] = []
        for where, text in seen:
            path = Path(where)
            if text.startswith("\0"):
                # The project's own folder may be absent from an installed copy; only a named folder must exist.
                if path != STRATEGY_DIR:
                    problems.append(f"{shown(path)}: {text[1:]}")
                continue
            strategy, found = read_strategy(path, text)
            if strategy is not None and strategy.name in files:
                found = [Problem(1, f"strategy {strategy.name!r} is already defined by "
                                    f"{shown(files[strategy.name].path)}")]
            if found or strategy is None:
                # read_strategy gives a strategy or the problems that keep it out, never neither.
                problems += [f"{shown(path)}:{problem.line}: {problem.message}" for problem in found]
                continue
            files[strategy.name] = strategy
        self._warn(*(f"strategy file skipped: {problem}" for problem in problems))
        return _Shelf(seen, files, tuple(problems))


def _because(name: str, because: Any) -> dict[str, Any]:
    """A row's evidence as the API gives it: a map with a ``kind`` (the strategy's name when the file gives
    none), its values plain JSON."""
    if not isinstance(because, dict):
        return {"kind": name}
    plain = {key: _plain(value) for key, value in because.items() if value is not None}
    return plain if plain.get("kind") else {"kind": name, **plain}


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return str(value)
