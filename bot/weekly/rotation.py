"""The no-repeat order of papers a server's weekly post goes through. Pure: no clock, no I/O.

One cycle through the catalogue at a time: within a cycle no paper is posted twice. The
rotation is plain data (JSON) the caller stores by stable paper id, so reloads keep it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rotation:
    """A server's cycle through the catalogue: `remaining` still to post this cycle, in order,
    and `posted` those posted this cycle, in order. A posted paper that leaves the catalogue
    stays in `posted` until the cycle ends, so a paper dropped by a broken edit and restored
    is not posted twice in one cycle."""

    remaining: tuple[str, ...] = ()
    posted: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The rotation as JSON text, for storage."""
        return json.dumps({"remaining": list(self.remaining), "posted": list(self.posted)})

    @classmethod
    def from_json(cls, text: str) -> Rotation:
        """The rotation `to_json` stored; an empty one for anything else (a new server, a
        damaged value), since starting a fresh cycle is better than no post."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError, RecursionError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        remaining, posted = data.get("remaining", []), data.get("posted", [])
        if not all(
            isinstance(ids, list) and all(isinstance(i, str) for i in ids)
            for ids in (remaining, posted)
        ):
            return cls()
        return cls(tuple(remaining), tuple(posted))


def reconcile(rotation: Rotation, ids: Sequence[str], rng: random.Random) -> Rotation:
    """The rotation after a catalogue reload: papers gone from the catalogue leave `remaining`,
    new ones (in neither list) join it at random places, the others keep their order."""
    current = dict.fromkeys(ids)
    posted = tuple(dict.fromkeys(rotation.posted))
    remaining = [i for i in dict.fromkeys(rotation.remaining) if i in current and i not in posted]
    known = set(remaining).union(posted)
    # Catalogue order, not set order, so that a seed gives the same rotation on every run.
    for paper_id in current:
        if paper_id not in known:
            remaining.insert(rng.randint(0, len(remaining)), paper_id)
    return Rotation(tuple(remaining), posted)


def next_paper(
    rotation: Rotation, ids: Sequence[str], rng: random.Random
) -> tuple[str | None, Rotation]:
    """The paper to post next and the rotation after it; None for an empty catalogue.

    Within a cycle no paper is posted twice, and a cycle posts every paper that stayed in
    the catalogue throughout it. A new cycle is the whole catalogue shuffled, never starting
    with the paper posted last when there are two or more."""
    rotation = reconcile(rotation, ids, rng)
    if rotation.remaining:
        first, *rest = rotation.remaining
        return first, Rotation(tuple(rest), (*rotation.posted, first))
    order = list(dict.fromkeys(ids))
    if not order:
        return None, rotation
    rng.shuffle(order)
    last = rotation.posted[-1] if rotation.posted else None
    if len(order) > 1 and order[0] == last:
        # Swapping with a random other place keeps every allowed order equally likely.
        other = rng.randrange(1, len(order))
        order[0], order[other] = order[other], order[0]
    return order[0], Rotation(tuple(order[1:]), (order[0],))


def take(
    rotation: Rotation, paper_id: str, ids: Sequence[str], rng: random.Random
) -> tuple[str | None, Rotation]:
    """Post `paper_id` next (a vote's winner) if the cycle has not posted it yet, else the
    rotation's next paper: within a cycle no paper is posted twice either way."""
    rotation = reconcile(rotation, ids, rng)
    if paper_id not in rotation.remaining:
        return next_paper(rotation, ids, rng)
    remaining = tuple(i for i in rotation.remaining if i != paper_id)
    return paper_id, Rotation(remaining, (*rotation.posted, paper_id))
