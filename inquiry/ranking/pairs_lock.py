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

    def reach_with(self, start: int, edges: frozenset[Edge]) -> int:
        """Bitmask of what `start` would reach were `edges` locked too."""
        # `reach` is already transitive, so only the extra edges need walking.
        seen = (1 << start) | self.reach[start]
        grew = True
        while grew:
            grew = False
            for a, b in edges:
                if (seen >> a) & 1 and not (seen >> b) & 1:
                    seen |= (1 << b) | self.reach[b]
                    grew = True
        return seen

    def tops(self) -> frozenset[int]:
        """The candidates nobody ranks above."""
        covered = 0
        for r in self.reach:
            covered |= r
        return frozenset(i for i in range(len(self.reach)) if not (covered >> i) & 1)
