"""What a load did: counts in the graph before and after, rows rejected and why, and how fast it went."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from shopgraph.loaders.tables import Rejection

NODE_LABELS = ("Product", "Category", "Brand", "Tag", "User", "Order")
RELATIONSHIP_TYPES = ("PARENT_OF", "IN_CATEGORY", "MADE_BY", "TAGGED", "PLACED", "CONTAINS", "PURCHASED",
                      "RATED", "VIEWED", "LIKED", "DISLIKED", "ADDED_TO_CART")


def reason_group(rejection: Rejection) -> str:
    """Rejections group by the kind of problem: the text before the first ``": "`` of the reason
    (``"unknown product: 'P9'"`` -> ``"unknown product"``)."""
    return rejection.reason.split(": ", 1)[0]


@dataclass
class LoadSummary:
    dataset: str
    before: dict[str, int]
    after: dict[str, int]
    rejected: list[Rejection] = field(default_factory=list)
    write_seconds: float = 0.0
    read_seconds: float = 0.0
    relationships_written: int = 0  # relationships MERGEd (new or refreshed), the ingestion rate's numerator
    rows_written: dict[str, int] = field(default_factory=dict)  # parameter rows sent per stage
    stage_seconds: dict[str, float] = field(default_factory=dict)  # time each stage spent writing

    @property
    def created(self) -> dict[str, int]:
        """Net change per label or relationship type (0 everywhere on a rerun)."""
        return {name: self.after.get(name, 0) - self.before.get(name, 0) for name in self.after}

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.write_seconds

    @property
    def relationships_per_second(self) -> float:
        return self.relationships_written / self.write_seconds if self.write_seconds else 0.0

    def rejected_by_reason(self) -> dict[str, list[Rejection]]:
        groups: dict[str, list[Rejection]] = defaultdict(list)
        for rejection in self.rejected:
            groups[reason_group(rejection)].append(rejection)
        return dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])))

    def report(self, limit: int = 20) -> str:
        """A plain-text summary; at most ``limit`` rejected rows are listed one by one, spread over the reasons."""
        lines = [f"Loaded {self.dataset} in {self.seconds:.1f} s "
                 f"(reading {self.read_seconds:.1f} s, writing {self.write_seconds:.1f} s)."]
        created = self.created
        for title, names in (("Nodes", NODE_LABELS), ("Relationships", RELATIONSHIP_TYPES)):
            shown = [name for name in names if self.after.get(name, 0) or created.get(name, 0)]
            if not shown:
                continue
            lines.append(f"{title:<16}{'in graph':>12}{'created':>12}")
            for name in shown:
                lines.append(f"  {name:<14}{self.after.get(name, 0):>12,}{created.get(name, 0):>+12,}")
        lines.append(f"{self.relationships_written:,} relationships written in {self.write_seconds:.1f} s: "
                     f"{self.relationships_per_second:,.0f} per second.")
        slow = [f"{title} {seconds:.1f} s" for title, seconds in self.stage_seconds.items() if seconds >= 0.05]
        if slow:
            lines.append("Stages: " + ", ".join(slow) + ".")
        groups = self.rejected_by_reason()
        if not groups:
            lines.append("No rows rejected.")
            return "\n".join(lines)
        lines.append(f"{len(self.rejected):,} source rows rejected:")
        per_group = max(1, limit // len(groups)) if limit > 0 else 0
        listed = 0
        for reason, rejections in groups.items():
            lines.append(f"  {reason}: {len(rejections):,} row{'s' if len(rejections) != 1 else ''}")
            for rejection in rejections[:per_group]:
                if listed >= limit:
                    break
                lines.append(f"    {rejection}")
                listed += 1
        return "\n".join(lines)
