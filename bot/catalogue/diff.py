"""What a reload changed: two catalogues compared by stable paper id. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.i18n import t
from bot.models import Catalogue, Paper

__all__ = ["CatalogueDiff", "Moved", "diff_catalogues", "drops_most"]

_T = TypeVar("_T")
_TITLE_WIDTH = 60  # summary lines list many titles; a long one must not crowd out the rest

# What a reader of the paper's card sees; sections are reported as moves, and position and
# line change whenever anything above the entry changes, so neither counts as metadata.
_METADATA = ("title", "authors", "et_al", "venue", "year", "pdf", "code", "links", "arxiv_id")


@dataclass(frozen=True, slots=True)
class Moved:
    """A paper whose set of sections changed; before and after are section slugs."""

    paper: Paper  # the new version
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CatalogueDiff:
    """Papers added, removed, moved between sections, or with changed metadata.

    A paper can be both moved and changed. Added and moved and changed follow the new list's
    order, removed the old list's.
    """

    added: tuple[Paper, ...] = ()
    removed: tuple[Paper, ...] = ()
    moved: tuple[Moved, ...] = ()
    changed_metadata: tuple[Paper, ...] = ()  # the new versions

    @property
    def unchanged(self) -> bool:
        """True when the reload changed nothing a reader would notice."""
        return not (self.added or self.removed or self.moved or self.changed_metadata)

    def summary(self, *, limit: int | None = 10, lang: str, budget: int | None = None) -> list[str]:
        """One readable line per kind of change, at most `limit` papers named in each (None:
        all of them). With `budget`, fewer are named where needed for the lines, joined by
        newlines, to take at most `budget` characters; the counts are always given."""
        if self.unchanged:
            return [t(lang, "diff.none")]
        most = max(len(self.added), len(self.removed), len(self.moved), len(self.changed_metadata))
        named = most if limit is None else max(limit, 0)
        while True:
            lines = self._lines(named, lang)
            if budget is None or named == 0 or len("\n".join(lines)) <= budget:
                return lines
            named = min(named, most) // 2

    def _lines(self, limit: int, lang: str) -> list[str]:
        lines = [
            _line("+", "diff.added", self.added, _title, limit, lang),
            _line("-", "diff.removed", self.removed, _title, limit, lang),
            _line("~", "diff.moved", self.moved, _move, limit, lang),
            _line("*", "diff.changed", self.changed_metadata, _title, limit, lang),
        ]
        return [line for line in lines if line]


def diff_catalogues(old: Catalogue | None, new: Catalogue) -> CatalogueDiff:
    """What changes from `old` to `new`, paper by stable id; no old catalogue: all added."""
    if old is None:
        return CatalogueDiff(added=new.papers)
    added: list[Paper] = []
    moved: list[Moved] = []
    changed: list[Paper] = []
    for paper in new.papers:
        before = old.paper(paper.id)
        if before is None:
            added.append(paper)
            continue
        # Compared as sets: the list reordering its sections does not move a paper.
        if set(before.sections) != set(paper.sections):
            moved.append(Moved(paper, before.sections, paper.sections))
        if any(getattr(before, name) != getattr(paper, name) for name in _METADATA):
            changed.append(paper)
    removed = tuple(p for p in old.papers if new.paper(p.id) is None)
    return CatalogueDiff(tuple(added), removed, tuple(moved), tuple(changed))


def drops_most(old: Catalogue | None, new: Catalogue, share: float = 0.5) -> bool:
    """True when `new` would remove more than `share` of the papers of `old`.

    A reload guard: a truncated or wrong upstream file must not silently empty the list.
    No old catalogue, or an old one without papers, never counts as a drop.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    if old is None or not old.papers:
        return False
    removed = sum(1 for p in old.papers if new.paper(p.id) is None)
    return removed > share * len(old.papers)


def _line(
    sign: str, key: str, items: Sequence[_T], name: Callable[[_T], str], limit: int, lang: str
) -> str:
    if not items:
        return ""
    line = f"{sign} " + t(lang, key + ("_one" if len(items) == 1 else ""), n=len(items))
    shown = [name(item) for item in items[: max(limit, 0)]]
    if not shown:
        return line
    more = len(items) - len(shown)
    return f"{line}: {'; '.join(shown)}" + (" " + t(lang, "card.more", n=more) if more else "")


def _title(paper: Paper) -> str:
    title = paper.title
    return title if len(title) <= _TITLE_WIDTH else title[: _TITLE_WIDTH - 1].rstrip() + "…"


def _move(move: Moved) -> str:
    return f"{_title(move.paper)} ({_slugs(move.before)} → {_slugs(move.after)})"


def _slugs(slugs: tuple[str, ...]) -> str:
    return ", ".join(slugs) if slugs else "no section"
