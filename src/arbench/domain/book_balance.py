"""Balancing books of accounts between collectors: pure arithmetic, no database.

An account's weight is its share of the open balance plus its share of the open items of
the accounts being balanced, so a collector with few large balances and one with many small
disputes can carry comparable books. `split_evenly` deals a departing collector's accounts
to several collectors (largest first, each to the lightest); `rebalance` proposes the fewest
moves it can find that even out existing books.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

H = TypeVar("H", bound=Hashable)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Parcel:
    """One account as the balancer sees it."""

    key: int
    balance: Decimal
    items: int


@dataclass(frozen=True)
class Scale:
    """Totals that turn a parcel into a weight (0 totals weigh nothing)."""

    balance: Decimal
    items: int

    @classmethod
    def of(cls, parcels: Sequence[Parcel]) -> Scale:
        balance = sum((max(p.balance, ZERO) for p in parcels), ZERO)
        return cls(balance, sum(max(p.items, 0) for p in parcels))

    def weight(self, parcel: Parcel) -> Decimal:
        share = ZERO
        if self.balance > ZERO:
            share += max(parcel.balance, ZERO) / self.balance
        if self.items > 0:
            share += Decimal(max(parcel.items, 0)) / self.items
        return share


def split_evenly(parcels: Sequence[Parcel], holders: Sequence[H]) -> dict[int, H]:
    """Deal parcels to holders so each gets a like share of balance and items.

    Largest parcel first, each to the holder with the lightest share so far (ties go to the
    holder listed first). Returns parcel key -> holder.
    """
    if not holders:
        raise ValueError("at least one holder is needed")
    scale = Scale.of(parcels)
    loads: dict[H, Decimal] = {h: ZERO for h in holders}
    ordered = sorted(parcels, key=lambda p: (-scale.weight(p), p.key))
    placed: dict[int, H] = {}
    for parcel in ordered:
        lightest = min(holders, key=lambda h: loads[h])
        placed[parcel.key] = lightest
        loads[lightest] += scale.weight(parcel)
    return placed


def rebalance(
    holdings: Mapping[H, Sequence[Parcel]], tolerance: Decimal = Decimal("0.02")
) -> list[tuple[int, H, H]]:
    """Moves (parcel key, from holder, to holder) that even out the holders' loads.

    Repeatedly moves, from the heaviest holder to the lightest, the largest parcel that
    weighs at most half the gap between them, so the receiver never ends heavier than the
    giver and accounts do not churn (a very large account stays where it is). Stops when the gap is within `tolerance` of the total weight, or when no
    parcel can narrow it. A parcel moves at most once.
    """
    everything = [p for parcels in holdings.values() for p in parcels]
    scale = Scale.of(everything)
    held: dict[H, dict[int, Parcel]] = {h: {p.key: p for p in ps} for h, ps in holdings.items()}
    loads = {h: sum((scale.weight(p) for p in ps.values()), ZERO) for h, ps in held.items()}
    moved: set[int] = set()
    moves: list[tuple[int, H, H]] = []
    if len(held) < 2:
        return moves
    for _ in range(len(everything)):
        heavy = max(loads, key=lambda h: loads[h])
        light = min(loads, key=lambda h: loads[h])
        gap = loads[heavy] - loads[light]
        if gap <= tolerance * (sum(loads.values()) or 1):
            break
        candidates = [
            p
            for p in held[heavy].values()
            if p.key not in moved and ZERO < scale.weight(p) <= gap / 2
        ]
        if not candidates:
            break
        best = max(candidates, key=lambda p: (scale.weight(p), -p.key))
        del held[heavy][best.key]
        held[light][best.key] = best
        loads[heavy] -= scale.weight(best)
        loads[light] += scale.weight(best)
        moved.add(best.key)
        moves.append((best.key, heavy, light))
    return moves
