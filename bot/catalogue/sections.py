"""The curated table of English names and slugs for the list's headings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue.names import clean_text, slugify


@dataclass(frozen=True, slots=True)
class SectionName:
    """What the table says about one heading."""

    name: str
    slug: str


@dataclass(frozen=True)
class SectionTable:
    """Heading -> English name and slug; a heading that repeats is told apart by its chapter."""

    sections: dict[tuple[str, str], SectionName] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: Path) -> SectionTable:
        """Read the table from a TOML file of [[section]] tables."""
        with path.open("rb") as f:
            data = tomllib.load(f)
        sections = {
            (clean_text(row.get("chapter", "")), clean_text(row["heading"])): SectionName(
                name=row["name"], slug=row["slug"]
            )
            for row in data.get("section", [])
        }
        return cls(sections=sections)

    def lookup(self, heading: str, chapter: str) -> SectionName | None:
        """The table's entry for a heading within a chapter, or for the heading alone."""
        return self.sections.get((chapter, heading)) or self.sections.get(("", heading))


_MAX_SLUG = 40  # slugs go into button custom ids (100 characters at most)


def fallback_slug(
    heading: str, chapter: str, taken: set[str], numbers: dict[str, int] | None = None
) -> str:
    """A unique slug for a heading the table does not know.

    `numbers`, shared by the calls for one catalogue, remembers where the numbering of each
    base stopped: slugs are only ever added to `taken`, and counting from 2 every time made
    a list of many same-named headings quadratic (100,000 of them took over ten minutes).
    """
    base = slugify(heading)[:_MAX_SLUG].rstrip("-") or "section"
    candidates = [base, f"{slugify(chapter)[:_MAX_SLUG]}-{base}".strip("-")]
    for candidate in candidates:
        if candidate and candidate not in taken:
            return candidate
    numbers = {} if numbers is None else numbers
    n = numbers.get(base, 2)
    while f"{base}-{n}" in taken:
        n += 1
    numbers[base] = n
    return f"{base}-{n}"
