"""The arXiv API's format: the query for a batch of ids, and its Atom answer. Pure.

`GET {ARXIV_API_URL}?id_list=ID,ID&max_results=N` answers an Atom 1.0 feed
(https://info.arxiv.org/help/api/user-manual.html): one <entry> per paper with <id>
(`http://arxiv.org/abs/2305.13048v2`), <title>, <summary> (the abstract), <published> (the
first version), <author><name>, <category term>, and in the arXiv namespace <primary_category
term>, <doi> and <journal_ref>. A malformed id gives an entry whose id is an error URL; an
overloaded server sometimes answers a page with no entries at all, which is worth retrying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from bot.metadata.models import Facts

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
BATCH = 100  # ids a request; arXiv's manual asks for small slices
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")


class FeedError(ValueError):
    """An answer that is not an Atom feed."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed answer: the papers found by arXiv id, and the ids arXiv called malformed."""

    papers: dict[str, Facts]
    errors: tuple[str, ...] = ()
    total: int | None = None  # opensearch:totalResults

    @property
    def empty(self) -> bool:
        """No entry at all: an answer to retry (arXiv's empty pages), not "unknown ids"."""
        return not self.papers and not self.errors


def query(ids: list[str]) -> dict[str, str]:
    """The query parameters for a batch of ids."""
    return {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}


def parse_feed(text: str | bytes) -> Feed:
    """The papers in an arXiv API answer. Raises FeedError for anything but an Atom feed."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise FeedError(f"not XML: {exc}") from None
    if root.tag != f"{ATOM}feed":
        raise FeedError(f"not an Atom feed: <{root.tag}>")
    papers: dict[str, Facts] = {}
    errors: list[str] = []
    for entry in root.findall(f"{ATOM}entry"):
        raw_id = _text(entry, f"{ATOM}id")
        if "/api/errors" in raw_id:
            errors.append(_text(entry, f"{ATOM}summary") or raw_id)
            continue
        match = _ENTRY_ID.search(raw_id)
        title = _text(entry, f"{ATOM}title")
        if not match or not title:
            continue
        arxiv_id = match.group("id")
        published = _text(entry, f"{ATOM}published")[:10]
        primary = entry.find(f"{ARXIV}primary_category")
        papers[arxiv_id] = Facts(
            title=title,
            authors=tuple(
                name
                for author in entry.findall(f"{ATOM}author")
                if (name := _text(author, f"{ATOM}name"))
            ),
            abstract=_text(entry, f"{ATOM}summary"),
            year=int(published[:4]) if published[:4].isdigit() else None,
            published=published,
            journal_ref=_text(entry, f"{ARXIV}journal_ref"),
            doi=_text(entry, f"{ARXIV}doi"),
            primary_category=primary.get("term", "") if primary is not None else "",
            categories=tuple(
                term for c in entry.findall(f"{ATOM}category") if (term := c.get("term", ""))
            ),
            arxiv_id=arxiv_id,
            url=f"https://arxiv.org/abs/{arxiv_id}",
        )
    total = root.findtext(f"{OPENSEARCH}totalResults")
    return Feed(papers, tuple(errors), int(total) if total and total.isdigit() else None)


def _text(element: ElementTree.Element, tag: str) -> str:
    """An element's text with its whitespace (arXiv wraps lines) collapsed."""
    return " ".join((element.findtext(tag) or "").split())
