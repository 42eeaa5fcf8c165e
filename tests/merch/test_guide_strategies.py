"""The Neo4j Browser guide lists the strategy files with `:param` lines for a sample shopper, and the files it
skipped with why."""
from __future__ import annotations

import html
import re


def slide(page: str, name: str) -> str:
    found = re.search(rf"<h3>{name}</h3>(.*?)</slide>", page, re.S)
    assert found, f"no slide for {name}"
    return html.unescape(found.group(1))


def test_every_strategy_is_ready_to_run_for_a_sample_shopper(client, shop, tmp_path, monkeypatch):
    (tmp_path / "broken.cypher").write_text("// Nothing but a header.\n")
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_DIRS", str(tmp_path))

    page = client.get("/guide").get_data(as_text=True)

    overview = slide(page, "Strategies written in Cypher")
    assert "The strategies found here (2)" in overview
    assert f"{tmp_path / 'broken.cypher'}:1: no // Parameters: line" in overview
    for name in ("comes_back_for", "completes_the_basket"):
        runnable = re.findall(r'<pre class="runnable">(.*?)</pre>', slide(page, name), re.S)
        # Bob has the most orders of the fixture shop's shoppers; his three products are the seeds
        user, k, seeds, before = runnable[0].splitlines()
        assert (user, k) == (':param userId => "u-bob";', ":param k => 10;")
        # as when serving: training alone reads the graph as of a moment
        assert before == ":param before => null"
        assert seeds.startswith(":param seeds => [{id: ")
        assert sorted(re.findall(r'id: "(\w+)", weight: [\d.]+', seeds)) == ["22423", "22697", "22699"]
        statement = runnable[1].strip()
        assert not statement.startswith("//") and "$seeds" in statement and statement.endswith("LIMIT $k")
