"""The locked graph of ranked pairs: locked pairs and all they imply."""

from __future__ import annotations

from dataclasses import dataclass

Edge = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Lock:
    """`reach[i]`: bitmask of the candidates i ranks above through locked pairs."""

    reach: tuple[int, ...]

    @classmethod
    def empty(cls, size: int) -> Lock:
        return cls((0,) * size)

    def allows(self, a: int, b: int) -> bool:
        """Locking a over b keeps the graph acyclic."""
        return not (self.reach[b] >> a) & 1

    def implies(self, a: int, b: int) -> bool:
        return bool((self.reach[a] >> b) & 1)

    def add(self, a: int, b: int) -> Lock:
        """Lock a over b, with everything it implies."""
        gained = (1 << b) | self.reach[b]
        return Lock(tuple(r | gained if i == a or (r >> a) & 1 else r for i, r in enumerate(self.reach)))

    def below_count(self, i: int) -> int:
        return self.reach[i].bit_count()

    def is_below(self, i: int) -> bool:
        """Some candidate ranks above i."""
        return any((r >> i) & 1 for r in self.reach)

    def closed_with(self, edges: frozenset[Edge]) -> list[int]:
        """Reach bitmasks if `edges` were all added, cycles and all (Warshall)."""
        reach = list(self.reach)
        for a, b in edges:
            reach[a] |= 1 << b
        for k, _ in enumerate(reach):
            for i, r in enumerate(reach):
                if (r >> k) & 1:
                    reach[i] = r | reach[k]
        return reach

    def tops(self) -> frozenset[int]:
        """The candidates nobody ranks above."""
        covered = 0
        for r in self.reach:
            covered |= r
        return frozenset(i for i in range(len(self.reach)) if not (covered >> i) & 1)
