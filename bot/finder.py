"""Find in reading list: the papers a message refers to. Pure: no Discord, no network.

A message is read for arXiv ids and links, other links (PDF, code) and quoted titles; each is
looked up in the list. For an arXiv paper that is not in it, a correctly formatted entry can be
proposed to the list's maintainers (the answer itself is `bot.replies.find_reply`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.library import Library
from bot.models import Paper

_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)?(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`|]+", re.IGNORECASE)
# "A title", “A title”, «A title», 《A title》, 「A title」: at least three words or ten characters.
_QUOTED = re.compile(r"[\"“«《「『]([^\"”»》」』\n]{10,300})[\"”»》」』]")


@dataclass(frozen=True, slots=True)
class Reference:
    """Something in a message that may name a paper."""

    kind: str  # "arxiv", "link" or "title"
    text: str  # the id, link or title as written
    arxiv_id: str | None = None


def references(text: str, limit: int = 20) -> list[Reference]:
    """arXiv ids, links and quoted titles in a message, in order, each once."""
    found: dict[str, Reference] = {}
    for url in _URL.findall(text):
        url = url.rstrip(".,;:!?")
        match = _ARXIV.search(url) if "arxiv" in url.lower() else None
        if match:
            found.setdefault(match.group(1), Reference("arxiv", url, match.group(1)))
        else:
            found.setdefault(url.lower(), Reference("link", url))
    for match in _ARXIV.finditer(_URL.sub(" ", text)):
        found.setdefault(match.group(1), Reference("arxiv", match.group(0), match.group(1)))
    for match in _QUOTED.finditer(text):
        title = " ".join(match.group(1).split())
        found.setdefault(title.lower(), Reference("title", title))
    return list(found.values())[:limit]


def proposed_entry(arxiv_id: str) -> str:
    """A list entry in the list's own format for an arXiv paper, to fill in and propose."""
    year = 2000 + int(arxiv_id[:2])
    return (
        f"1. **TITLE.** `arXiv`\n   *AUTHORS.* [[PDF](https://arxiv.org/abs/{arxiv_id})], {year}."
    )


@dataclass(frozen=True, slots=True)
class Findings:
    """What a message refers to: the papers of the list it names (each once, in order) and
    the references that are not in the list."""

    references: tuple[Reference, ...]
    papers: tuple[Paper, ...]
    missing: tuple[Reference, ...]


def find(library: Library, text: str) -> Findings:
    """Look up each reference of a message in the list: ids and links must match exactly,
    a quoted title must be a paper's own title (or one of its names)."""
    refs = references(text)
    papers: dict[str, Paper] = {}
    missing: list[Reference] = []
    for ref in refs:
        best = library.index.search(ref.arxiv_id or ref.text, 3).best
        if best is not None and (ref.kind != "title" or best.score >= 100):
            papers.setdefault(best.paper.id, best.paper)
        else:
            missing.append(ref)
    return Findings(tuple(refs), tuple(papers.values()), tuple(missing))
