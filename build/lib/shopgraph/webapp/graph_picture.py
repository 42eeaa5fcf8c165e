"""Small graphs drawn as SVG on the server: a product's neighbourhood, the graph model of the Browser guide.

The layout is networkx's (concentric rings around the node in focus, relaxed by a spring layout so that
related nodes sit together); the drawing is plain SVG with presentation attributes only (no scripts, no inline
styles), so it passes the shop's strict Content-Security-Policy and needs nothing from a CDN. Labels are
shortened to stay readable and carry a white halo so edges never run through the text.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import networkx as nx
from markupsafe import Markup, escape

#: Fill colour and what the legend calls each kind of node.
KINDS = {
    "focus": ("#0b4c4e", "This product"),
    "product": ("#2a8a8c", "Product"),
    "category": ("#c77b30", "Category"),
    "brand": ("#7a3563", "Brand"),
    "tag": ("#34508a", "Tag"),
    "user": ("#5e4b36", "Shopper"),
    "rule": ("#b42318", "Rule"),
    "order": ("#75540f", "Order"),
    "list": ("#4f3f86", "Recommendation list"),
    "experiment": ("#3f6b2a", "Experiment"),
    "model": ("#1e5a7a", "Model version"),
}
LABEL_LENGTH = 26


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    kind: str
    href: str | None = None
    title: str | None = None
    ring: int = 1


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


def shorten(text: str, length: int = LABEL_LENGTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def layout(nodes: list[Node], edges: list[Edge], focus: str | None, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]²: the focus in the centre, each ring of nodes around it, relaxed by springs."""
    graph = nx.Graph()
    graph.add_nodes_from(node.key for node in nodes)
    graph.add_edges_from((edge.source, edge.target) for edge in edges)
    rings: dict[int, list[str]] = {}
    for node in nodes:
        rings.setdefault(0 if node.key == focus else node.ring, []).append(node.key)
    shells = [rings[ring] for ring in sorted(rings)]
    start = nx.shell_layout(graph, nlist=shells) if len(shells) > 1 else nx.circular_layout(graph)
    if focus is None or len(nodes) < 3:
        positions = nx.spring_layout(graph, pos=start, seed=seed, iterations=60, k=1.6 / math.sqrt(len(nodes)))
    else:
        positions = nx.spring_layout(graph, pos=start, fixed=[focus], seed=seed, iterations=30,
                                     k=1.8 / math.sqrt(len(nodes)))
    return _fit(positions)


def _fit(positions) -> dict[str, tuple[float, float]]:
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    return {key: ((float(x) - cx) / half, (float(y) - cy) / half) for key, (x, y) in positions.items()}


def render(nodes: list[Node], edges: list[Edge], focus: str | None = None, title: str = "Graph",
           width: int = 960, height: int = 600, seed: int = 7) -> Markup:
    """The graph as an inline ``<svg>`` (role img, with a title and a legend of the kinds it shows)."""
    if not nodes:
        return Markup("")
    positions = layout(nodes, edges, focus, seed)
    margin_x, margin_top, legend_height = 110, 40, 40
    usable_w, usable_h = width - 2 * margin_x, height - margin_top - legend_height - 40

    def point(key: str) -> tuple[float, float]:
        x, y = positions[key]
        return margin_x + (x + 1) / 2 * usable_w, margin_top + (y + 1) / 2 * usable_h

    radius = {node.key: (24 if node.key == focus else 15) for node in nodes}
    parts = [
        f'<svg class="graph-picture" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="graph-title" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="graph-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0 0 10 5 0 10z" fill="#8a96a3"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for edge in edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x1, y1), (x2, y2) = point(edge.source), point(edge.target)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        sx, sy = x1 + ux * radius[edge.source], y1 + uy * radius[edge.source]
        ex, ey = x2 - ux * (radius[edge.target] + 2), y2 - uy * (radius[edge.target] + 2)
        parts.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#b8c1cb" '
                     f'stroke-width="1.5" marker-end="url(#arrow)"/>')
        mx, my = (sx + ex) / 2, (sy + ey) / 2
        parts.append(f'<text x="{mx:.1f}" y="{my:.1f}" font-size="10" fill="#5d6875" text-anchor="middle" '
                     f'dominant-baseline="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                     f'{escape(edge.label)}</text>')
    for node in nodes:
        x, y = point(node.key)
        colour = KINDS.get("focus" if node.key == focus else node.kind, KINDS["product"])[0]
        circle = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[node.key]}" fill="{colour}" stroke="#ffffff" '
                  f'stroke-width="2"><title>{escape(node.title or node.label)}</title></circle>')
        label = (f'<text x="{x:.1f}" y="{y + radius[node.key] + 13:.1f}" font-size="{13 if node.key == focus else 12}" '
                 f'font-weight="{700 if node.key == focus else 500}" fill="#1d2730" text-anchor="middle" '
                 f'stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
                 f'{escape(shorten(node.label))}</text>')
        if node.href:
            parts.append(f'<a href="{escape(node.href)}">{circle}{label}</a>')
        else:
            parts.append(circle + label)
    parts.append(_legend(sorted({"focus" if n.key == focus else n.kind for n in nodes}, key=list(KINDS).index),
                         width, height - legend_height + 8))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(kinds: list[str], width: int, y: float) -> str:
    items, x = [], 0.0
    for kind in kinds:
        colour, name = KINDS.get(kind, KINDS["product"])
        items.append(f'<circle cx="{x + 6:.0f}" cy="{y:.0f}" r="6" fill="{colour}"/>'
                     f'<text x="{x + 17:.0f}" y="{y + 4:.0f}" font-size="12" fill="#1d2730">{escape(name)}</text>')
        x += 30 + 7.2 * len(name)
    return f'<g transform="translate({max(10.0, (width - x) / 2):.0f} 0)">{"".join(items)}</g>'


def bar_chart(bars: list[tuple[str, int]], title: str, colour: str = "#2a8a8c", width: int = 720,
              height: int = 180) -> Markup:
    """Counts per day (or any labels) as an SVG bar chart with its largest value marked; the first and last
    labels and every seventh one in between are written under the bars."""
    if not bars:
        return Markup("")
    top = max(value for _, value in bars) or 1
    left, bottom, top_pad = 44, 26, 14
    slot = (width - left - 8) / len(bars)
    plot_h = height - bottom - top_pad
    chart_id = "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [f'<svg class="bar-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}" font-family="system-ui, sans-serif">',
             f'<title id="{chart_id}">{escape(title)}</title>',
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 8}" y2="{top_pad + plot_h}" stroke="#c9d0d8"/>',
             f'<text x="{left - 6}" y="{top_pad + 4}" font-size="11" fill="#5d6875" text-anchor="end">{top}</text>',
             f'<text x="{left - 6}" y="{top_pad + plot_h}" font-size="11" fill="#5d6875" text-anchor="end">0</text>']
    for i, (label, value) in enumerate(bars):
        bar_h = plot_h * value / top
        x = left + i * slot + slot * 0.15
        parts.append(f'<rect x="{x:.1f}" y="{top_pad + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{bar_h:.1f}" fill="{colour}" rx="1.5"><title>{escape(label)}: {value}</title></rect>')
        if i in (0, len(bars) - 1) or (i % 7 == 0 and len(bars) - 1 - i >= 4):
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - 8}" font-size="10" fill="#5d6875" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
