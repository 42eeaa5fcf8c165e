"""More of the same shoppers: the interaction data replicated with cloned shoppers under new ids.

Copy ``n`` of shopper ``12346`` is ``12346-c<n>``: the same country and the same history (every
event, order and basket, the orders renamed ``<order>-c<n>``), so the graph at scale ``s`` holds
``s`` times the users, orders and interaction edges over the same catalogue. That is what a
growing shop looks like to the traversals: every product has ``s`` times the buyers.
"""
from __future__ import annotations

import pandas as pd

from shopgraph.loaders.tables import Tables


def clone_id(original: str, copy: int) -> str:
    return f"{original}-c{copy}"


def _users(tables: Tables) -> pd.DataFrame:
    """Every shopper: the users table, plus anyone the events name that the table lacks."""
    users = tables.users.copy()
    users["id"] = users["id"].astype(str)
    known = set(users["id"])
    missing = sorted(set(tables.events["user_id"].dropna().astype(str)) - known)
    if missing:
        users = pd.concat([users, pd.DataFrame({"id": missing})], ignore_index=True)
    return users


def cloned_shoppers(tables: Tables, copies: range) -> Tables:
    """The shoppers and events of ``tables`` once per copy number in ``copies`` (copy 0 is the original).

    The catalogue is left out: it is in the graph already, and a load of these tables only adds
    the cloned shoppers, their orders and their interaction edges.
    """
    originals = _users(tables)
    events = tables.events.copy()
    events["user_id"] = events["user_id"].astype(str)
    has_order = events["order_id"].notna() & (events["order_id"].astype(str) != "")
    user_parts, event_parts = [], []
    for copy in copies:
        users = originals.copy()
        users["id"] = users["id"].map(lambda original, copy=copy: clone_id(original, copy))
        user_parts.append(users)
        cloned = events.copy()
        cloned["user_id"] = cloned["user_id"].map(lambda original, copy=copy: clone_id(original, copy))
        cloned["order_id"] = cloned["order_id"].astype(object).where(
            ~has_order, cloned["order_id"].astype(str) + f"-c{copy}")
        event_parts.append(cloned)
    return Tables(
        dataset=f"{tables.dataset} (cloned shoppers)",
        products=tables.products.iloc[0:0],
        categories=tables.categories.iloc[0:0],
        users=pd.concat(user_parts, ignore_index=True) if user_parts else originals.iloc[0:0],
        events=pd.concat(event_parts, ignore_index=True) if event_parts else events.iloc[0:0],
    )

