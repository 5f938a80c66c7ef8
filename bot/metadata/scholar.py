"""The Semantic Scholar Graph API's format. Pure.

`POST {SEMANTIC_SCHOLAR_API_URL}/paper/batch?fields=...` with `{"ids": [...]}` (at most 500)
answers a list in the same order, `null` for an id it does not know
(https://api.semanticscholar.org/api-docs/graph). Ids are `ARXIV:2305.13048`,
`ACL:N19-1423`, `DOI:10.1145/361002.361007`. `GET /paper/search/match?query=TITLE` answers the
closest title (`{"data": [paper]}`) or 404; it is accepted only when the titles agree.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from bot.catalogue.names import fold
from bot.metadata.models import Facts
from bot.models import Paper

BATCH = 500
FIELDS = (
    "title,authors,abstract,tldr,citationCount,influentialCitationCount,venue,year,"
    "externalIds,openAccessPdf,publicationDate,url"
)
TITLE_MATCH = 92  # rapidfuzz ratio of the normalised titles a title match must reach

_ACL = re.compile(
    r"(?:aclanthology\.org|aclweb\.org/anthology)/(?P<id>[A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9-]+\.\d+)",
    re.IGNORECASE,
)
_DOI = re.compile(
    r"(?:doi\.org|dl\.acm\.org/doi(?:/abs|/pdf|/full)?)/(?P<doi>10\.\d{4,9}/[^\s?#]+)",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+")


def lookup_id(paper: Paper) -> str | None:
    """The id the batch endpoint knows the paper by: its arXiv id, else an ACL Anthology id
    or a DOI read from its links; None when only its title can find it."""
    if paper.arxiv_id:
        return f"ARXIV:{paper.arxiv_id}"
    urls = [u for u in (paper.pdf, *paper.links, paper.code) if u]
    for url in urls:
        if match := _ACL.search(url):
            return f"ACL:{match.group('id')}"
    for url in urls:
        if match := _DOI.search(url):
            return f"DOI:{match.group('doi').removesuffix('.pdf')}"
    return None


def title_agrees(listed: str, found: str) -> bool:
    """Whether a title match is the paper: the titles agree but for case, accents,
    punctuation and a typo or two."""
    a, b = _title_form(listed), _title_form(found)
    return bool(a) and bool(b) and fuzz.ratio(a, b) >= TITLE_MATCH


def _title_form(title: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(title)).split())


def parse_paper(item: Any) -> Facts | None:
    """One paper of an answer (`null` is an unknown id)."""
    if not isinstance(item, dict) or not item.get("paperId"):
        return None
    external = item.get("externalIds") or {}
    ids = (
        tuple((str(k), str(v)) for k, v in external.items() if v not in (None, ""))
        if isinstance(external, dict)
        else ()
    )
    tldr = item.get("tldr") or {}
    pdf = item.get("openAccessPdf") or {}
    date = str(item.get("publicationDate") or "")
    year = item.get("year")
    return Facts(
        title=_string(item.get("title")),
        authors=tuple(
            name
            for author in item.get("authors") or []
            if isinstance(author, dict) and (name := _string(author.get("name")))
        ),
        abstract=_string(item.get("abstract")),
        tldr=_string(tldr.get("text")) if isinstance(tldr, dict) else "",
        year=year if isinstance(year, int) else None,
        published=date[:10],
        venue=_string(item.get("venue")),
        doi=dict(ids).get("DOI", ""),
        citation_count=_count(item.get("citationCount")),
        influential_citation_count=_count(item.get("influentialCitationCount")),
        external_ids=ids,
        open_access_pdf=_string(pdf.get("url")) if isinstance(pdf, dict) else "",
        arxiv_id=dict(ids).get("ArXiv", ""),
        url=_string(item.get("url")),
    )


def parse_match(body: Any) -> tuple[Facts | None, str]:
    """The paper a title match answered, and its title."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not data:
        return None, ""
    facts = parse_paper(data[0])
    return facts, facts.title if facts else ""


def _string(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and value >= 0 else None
