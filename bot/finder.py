"""Find in reading list: the papers a message refers to. Pure: no Discord, no network.

A message is read for arXiv ids and links, other links (PDF, code) and quoted titles; each is
looked up in the list. What is not in the list is said, and for an arXiv paper a correctly
formatted entry is offered to propose to the list's maintainers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from bot import cards
from bot.i18n import t
from bot.library import Library
from bot.replies import Reply, paper_card

MAX_CARDS = 5  # cards of one answer: well inside 10 embeds and 6,000 characters
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


def find_reply(library: Library, text: str, lang: str = "en") -> Reply:
    """The cards of the papers a message refers to, and what is not in the list."""
    refs = references(text)
    if not refs:
        return Reply(content=t(lang, "find.nothing"), ephemeral=True)
    papers: list[str] = []
    missing: list[Reference] = []
    for ref in refs:
        result = library.index.search(ref.arxiv_id or ref.text, 3)
        best = result.best
        exact = best is not None and (ref.kind != "title" or best.score >= 100)
        if best is not None and exact:
            if best.paper.id not in papers:
                papers.append(best.paper.id)
        else:
            missing.append(ref)
    embeds: list[discord.Embed] = []
    for paper_id in papers[:MAX_CARDS]:
        paper = library.paper(paper_id)
        if paper is not None:
            embeds.extend(paper_card(library, paper, lang=lang).embeds)
    lines = []
    if papers:
        found, total = len(papers), len(refs)
        key = "find.found"
        if total == 1:
            key = "find.found_single"
        elif found == total:
            key = "find.found_all"
        elif found == 1:
            key = "find.found_one"
        lines.append(t(lang, key, found=found, total=total))
    if len(papers) > MAX_CARDS:
        lines.append(t(lang, "find.first", n=MAX_CARDS))
    for ref in missing:
        shown = cards.escape(cards.truncate(ref.text, 120))
        lines.append(t(lang, "find.missing", ref=shown))
        if ref.arxiv_id:
            lines.append(
                t(lang, "find.propose") + f"\n```markdown\n{proposed_entry(ref.arxiv_id)}\n```"
            )
    content = cards.truncate("\n".join(lines), 2000)
    if content.count("```") % 2:  # a cut inside the code block must not leave it open
        content = cards.truncate(content[: content.rfind("```")].rstrip(), 2000)
    return Reply(content=content, embeds=tuple(embeds), ephemeral=True, papers=tuple(papers))
