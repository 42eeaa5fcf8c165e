"""The guard rails of a strategy file: what its one Cypher statement may and must contain, checked as the file is
loaded, each broken rule a ``Problem`` naming the line it is on.

A strategy runs on every shopper's page, so its statement must only read, return the columns the contract names,
keep every variable-length walk bounded and end in a ``LIMIT``. These checks read the text alone; where a graph is
at hand, ``explain_problems`` also asks Neo4j to plan the statement (``EXPLAIN``) and confirms it is a read-only
query with those columns, which catches what a text check cannot (a write procedure, a syntax error).

The checks read a *masked* copy of the file: comments, string literals and backquoted names blanked out
character for character, so a word like ``SET`` inside a comment or a string never counts, while every offset --
and so every line number -- stays that of the file.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

#: The strategy contract: the parameters a statement may use and the columns it must return. ``before`` is the
#: moment the graph is read as of: null when serving; when training, the start of the validation period, which a
#: candidate source must not see (``candidate_source_problems``).
PARAMETERS = ("userId", "k", "seeds", "before")
COLUMNS = ("productId", "score", "because")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


# -- masking -----------------------------------------------------------------------------------------------
_OPENERS = re.compile(r"//|/\*|'|\"|`")


def mask(text: str) -> str:
    """``text`` with comments, string literals and backquoted names replaced by spaces (newlines kept)."""
    out: list[str] = []
    position = 0
    while True:
        found = _OPENERS.search(text, position)
        if found is None:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:found.start()])
        end = _end_of(text, found.start(), found.group())
        out.append(re.sub(r"[^\n]", " ", text[found.start():end]))
        position = end


def _end_of(text: str, start: int, opener: str) -> int:
    """Where the comment, string or quoted name opening at ``start`` ends (the text's end if it never does)."""
    if opener == "//":
        end = text.find("\n", start)
        return len(text) if end < 0 else end
    if opener == "/*":
        end = text.find("*/", start + 2)
        return len(text) if end < 0 else end + 2
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and opener != "`":
            position += 2
            continue
        if char == opener:
            if opener == "`" and text.startswith("``", position):  # a doubled backquote is a literal one
                position += 2
                continue
            return position + 1
        position += 1
    return len(text)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# -- the rules -----------------------------------------------------------------------------------------------
#: Clauses that write, or that only make sense in a statement that writes. A word preceded by ``.`` or ``:`` (a
#: property, a label) or followed by ``:`` (a map key) is a name, not a clause.
_WRITE_CLAUSE = re.compile(
    r"(?<![.:$\w])(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH|DROP|ALTER|GRANT|DENY|REVOKE|LOAD\s+CSV"
    r"|IN\s+(?:\d+\s+CONCURRENT\s+)?TRANSACTIONS)\b(?!\s*:)", re.IGNORECASE)
#: Procedures that write or reach outside the graph (the EXPLAIN check and the read transaction stop the rest).
_WRITE_PROCEDURE = re.compile(
    r"^(db\.create|db\.index\.fulltext\.(create|drop)|db\.clearQueryCaches|dbms\.|tx\.|"
    r"apoc\.(create|merge|refactor|periodic|do|atomic|lock|trigger|load|import|export|nodes\.(delete|link)|"
    r"cypher\.(doIt|run(Write|Schema|Many)))|gds\..*\.(write|mutate))", re.IGNORECASE)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)\s*\(", re.IGNORECASE)
_PARAMETER = re.compile(r"\$\s*([A-Za-z_]\w*)")
_RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)
_LIMIT = re.compile(r"\bLIMIT\b", re.IGNORECASE)
_UNION = re.compile(r"\bUNION\b", re.IGNORECASE)
_CLAUSE_AFTER_RETURN = re.compile(r"\b(ORDER\s+BY|SKIP|OFFSET|LIMIT|UNION)\b", re.IGNORECASE)
#: A variable-length relationship: ``-[...*...]-``; bounded when it names an upper bound (``*3``, ``*1..3``, ``*..3``).
_RELATIONSHIP = re.compile(r"-\s*\[([^\]]*)\]")
_STAR = re.compile(r"\*\s*(\d*)\s*(\.\.\s*(\d*))?")
#: A quantified path pattern's quantifier after a relationship (``-[:R]->+``, ``-->{1,}``).
_QUANTIFIED_RELATIONSHIP = re.compile(r"(?:\]\s*-\s*>?|-\s*-\s*>?|-\s*>)\s*(\+|\*|\{[^}]*\})")
_QUANTIFIER = re.compile(r"\s*(\+|\*|\{[^}]*\})")


def text_problems(text: str, columns: tuple[str, ...] | None) -> list[Problem]:
    """Every guard rail the file's text breaks: ``text`` is the whole file, ``columns`` what its header declares
    (None when it declares none, which the header check reports)."""
    masked = mask(text)
    checks: list[Callable[[str], Iterator[Problem]]] = [
        _one_statement, _read_only, _known_parameters, _bounded_walks, _limited]
    problems = [problem for check in checks for problem in check(masked)]
    if columns is not None:
        problems += _declared_columns(masked, columns)
    return sorted(problems, key=lambda problem: problem.line)


def candidate_source_problems(text: str, flag_line: int) -> list[Problem]:
    """What keeps a file from being a candidate source (``Candidate source: yes`` on line ``flag_line``).

    Training runs a candidate source for the validation shoppers with ``$before`` set to the start of the
    validation period, whose interactions the graph also holds; a statement that never reads ``$before`` would
    see the very purchases the ranker is asked to predict. The check cannot prove that every interaction read is
    compared with it, only that the statement takes it into account at all; the contract asks for each.
    """
    if _PARAMETER_BEFORE.search(mask(text)):
        return []
    return [Problem(flag_line, "a candidate source reads the graph as of $before (null when serving; the start of "
                               "the validation period when training) and this statement never uses it: compare "
                               "each interaction's time with it, e.g. WHERE $before IS NULL OR o.at < $before")]


_PARAMETER_BEFORE = re.compile(r"\$\s*before\b")


def _one_statement(masked: str) -> Iterator[Problem]:
    body = masked.rstrip().rstrip(";")
    if not body.strip():
        yield Problem(1, "the file holds no statement")
    elif ";" in body:
        yield Problem(line_of(masked, body.index(";")), "a strategy file holds one statement; this `;` starts another")


def _read_only(masked: str) -> Iterator[Problem]:
    for found in _WRITE_CLAUSE.finditer(masked):
        clause = " ".join(found.group(1).upper().split())
        yield Problem(line_of(masked, found.start()),
                      f"{clause} writes; a strategy only reads (it runs in a read transaction)")
    for found in _CALL.finditer(masked):
        if _WRITE_PROCEDURE.match(found.group(1)):
            yield Problem(line_of(masked, found.start()),
                          f"CALL {found.group(1)} writes or reaches outside the graph; a strategy only reads")


def _known_parameters(masked: str) -> Iterator[Problem]:
    for found in _PARAMETER.finditer(masked):
        if found.group(1) not in PARAMETERS:
            yield Problem(line_of(masked, found.start()),
                          f"${found.group(1)} is not a strategy parameter; a strategy gets "
                          f"{', '.join('$' + name for name in PARAMETERS)}")


def _bounded_walks(masked: str) -> Iterator[Problem]:
    for found in _RELATIONSHIP.finditer(masked):
        star = _STAR.search(found.group(1))
        if star is not None and not (star.group(1) and not star.group(2)) and not star.group(3):
            yield Problem(line_of(masked, found.start()),
                          f"the variable-length relationship [{found.group(1).strip()}] has no upper bound; "
                          "give it one, e.g. *1..3")
    for found in _QUANTIFIED_RELATIONSHIP.finditer(masked):
        if not _bounded_quantifier(found.group(1)):
            yield Problem(line_of(masked, found.start()),
                          f"the relationship quantifier {found.group(1)} has no upper bound; give it one, e.g. {{1,3}}")
    for start, end in _path_groups(masked):
        quantifier = _QUANTIFIER.match(masked, end + 1)
        if quantifier is not None and not _bounded_quantifier(quantifier.group(1)):
            yield Problem(line_of(masked, start),
                          f"the path pattern quantifier {quantifier.group(1)} has no upper bound; give it one, "
                          "e.g. {1,3}")


def _bounded_quantifier(quantifier: str) -> bool:
    """``{n}``, ``{m,n}`` and ``{,n}`` are bounded; ``+``, ``*`` and ``{m,}`` are not."""
    if not quantifier.startswith("{"):
        return False
    parts = quantifier[1:-1].split(",")
    return bool(parts[-1].strip())


def _path_groups(masked: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each parenthesised path pattern, ``((a)-[:R]->(b))``: a group opening on a node pattern
    and holding a relationship (which an arithmetic ``(x - 1)`` does not)."""
    for start, end in _pairs(masked, "(", ")"):
        inner = masked[start + 1:end]
        if inner.lstrip().startswith("(") and re.search(r"-\s*\[|-\s*-|->|<-", inner):
            yield start, end


def _pairs(masked: str, opener: str, closer: str) -> Iterator[tuple[int, int]]:
    stack: list[int] = []
    for position, char in enumerate(masked):
        if char == opener:
            stack.append(position)
        elif char == closer and stack:
            yield stack.pop(), position


def _depths(masked: str) -> list[int]:
    """The nesting depth of brackets of every kind at each offset (0: the statement's own clauses)."""
    depth, depths = 0, []
    for char in masked:
        if char in "([{":
            depth += 1
        depths.append(depth)
        if char in ")]}":
            depth = max(0, depth - 1)
    return depths


def _top_level(pattern: re.Pattern[str], masked: str, depths: list[int]) -> list[re.Match[str]]:
    return [found for found in pattern.finditer(masked) if depths[found.start()] == 0]


def _final_returns(masked: str) -> list[re.Match[str]]:
    """The RETURN that ends each part of the statement (one part, or several joined by UNION)."""
    depths = _depths(masked)
    returns = _top_level(_RETURN, masked, depths)
    unions = [found.start() for found in _top_level(_UNION, masked, depths)] + [len(masked)]
    finals = []
    for boundary in unions:
        before = [found for found in returns if found.start() < boundary]
        if before and before[-1] not in finals:
            finals.append(before[-1])
    return finals


def _limited(masked: str) -> Iterator[Problem]:
    finals = _final_returns(masked)
    if not finals:
        return  # the columns check says there is no RETURN
    depths = _depths(masked)
    limits = [found.start() for found in _top_level(_LIMIT, masked, depths)]
    unions = [found.start() for found in _top_level(_UNION, masked, depths)] + [len(masked)]
    for final in finals:
        end = min(boundary for boundary in unions if boundary > final.start())
        if not any(final.start() < limit < end for limit in limits):
            yield Problem(line_of(masked, final.start()),
                          "the final RETURN has no LIMIT; end it with one, e.g. LIMIT $k")


def returned_columns(masked: str, final: re.Match[str]) -> list[str] | None:
    """The column names a RETURN produces, or None for ``RETURN *``."""
    depths = _depths(masked)
    after = _top_level(_CLAUSE_AFTER_RETURN, masked, depths)
    end = min([found.start() for found in after if found.start() > final.end()] + [len(masked)])
    items = masked[final.end():end].strip().rstrip(";")
    items = re.sub(r"^DISTINCT\b", "", items, flags=re.IGNORECASE).strip()
    if items == "*":
        return None
    names = []
    for item in _split_top_level(items):
        alias = re.search(r"\bAS\s+([A-Za-z_]\w*)\s*$", item, re.IGNORECASE)
        names.append(alias.group(1) if alias else " ".join(item.split()))
    return names


def _split_top_level(items: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in items:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _declared_columns(masked: str, declared: tuple[str, ...]) -> Iterator[Problem]:
    finals = _final_returns(masked)
    if not finals:
        yield Problem(1, f"the statement has no RETURN; a strategy returns {', '.join(COLUMNS)}")
        return
    for final in finals:
        line = line_of(masked, final.start())
        returned = returned_columns(masked, final)
        if returned is None:
            yield Problem(line, f"RETURN * hides the columns; return {', '.join(declared)} by name")
        elif set(returned) != set(declared):
            yield Problem(line, f"returns {', '.join(returned) or 'nothing'}; the Columns line declares "
                                f"{', '.join(declared)}")


# -- what Neo4j says -----------------------------------------------------------------------------------------
_ERROR_LINE = re.compile(r"\(line (\d+), column \d+")


def explain_problems(graph, statement: str, declared: tuple[str, ...], params: dict[str, Any]) -> list[Problem]:
    """Neo4j's own verdict on the statement (``EXPLAIN``, which plans it and runs nothing): a read-only query
    ('r') returning the declared columns. ``statement`` keeps the file's lines, so Neo4j's line numbers are the
    file's."""
    from neo4j.exceptions import ClientError

    def plan(tx) -> tuple[list[str], str | None]:
        result = tx.run(f"EXPLAIN {statement}", params)
        keys = list(result.keys())
        return keys, result.consume().query_type

    try:
        keys, query_type = graph.read_with(plan)
    except ClientError as error:
        found = _ERROR_LINE.search(error.message or "")
        first_line = (error.message or str(error)).strip().splitlines()[0]
        return [Problem(int(found.group(1)) if found else 1, f"Neo4j cannot plan it: {first_line}")]
    problems = []
    if query_type != "r":
        problems.append(Problem(1, f"Neo4j plans it as a {query_type!r} query, not a read-only one ('r')"))
    if set(keys) != set(declared):
        problems.append(Problem(1, f"Neo4j says it returns {', '.join(keys) or 'nothing'}; the Columns line "
                                   f"declares {', '.join(declared)}"))
    return problems
