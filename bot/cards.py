"""Models -> discord.Embed, always within Discord's limits.

No I/O, no event loop, no discord.ext. Text reaches an embed only through `bot.text`
(`escape` where Discord renders markdown, `plain` where it shows text verbatim, then
`truncate`), so no paper, however long or odd its text or metadata, makes an embed Discord
rejects. BibTeX itself is written by `bot.bibtex`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.bibtex import citation, year_of
from bot.catalogue.names import arxiv_id_from_url
from bot.i18n import t
from bot.metadata.models import PaperMetadata
from bot.models import Paper, Section
from bot.text import clean, escape, no_mentions, plain, sentences, truncate, web_url

__all__ = [
    "COLOUR",
    "DESCRIPTION_LIMIT",
    "MAX_PER_PAGE",
    "TITLE_LIMIT",
    "Place",
    "abstract_cards",
    "citation",
    "citation_card",
    "escape",
    "paper_card",
    "pdf_link",
    "section_pages",
    "truncate",
    "web_url",
]

# Discord's limits this module budgets against (HTTP 400, code 50035 when broken; discord.py
# checks none of them). The tests check the results against tests/fake_discord's own table.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_NAME_LIMIT = 256
MESSAGE_EMBEDS_LIMIT = 6000  # characters across all embeds of one message
LINK_BUTTON_URL_LIMIT = 512

MAX_PER_PAGE = 25  # papers on one page of a section listing
COLOUR = discord.Colour(0x4E79A7)

# Budgets of the paper card, well inside the limits: a card is at most about 2,900 characters.
SUMMARY_CHARS = 300  # the TL;DR or the abstract's opening
_AUTHORS_SHOWN = 6  # names before "et al."
_AUTHORS_CHARS = 300
_NAME_CHARS = 100  # one author
_VENUE_CHARS = 200
_SECTION_NAME_CHARS = 120
_FOOTER_CHARS = 400
_LISTING_TITLE_CHARS = 200  # a title in a section listing
_ABSTRACT_CHUNK = 4000  # one embed of a long abstract
_ABSTRACT_TOTAL = 5400  # all of them, leaving room for titles and footers


@dataclass(frozen=True, slots=True)
class Place:
    """Where a card's paper sits: number `number` (from 1) of `count` in `section`."""

    section: Section
    number: int
    count: int


def pdf_link(paper: Paper, metadata: PaperMetadata | None = None) -> str | None:
    """The paper's PDF: an arXiv link (abstract page, HTML or PDF) becomes
    https://arxiv.org/pdf/ID; else the list's PDF link, else arXiv's PDF, else an
    open-access PDF Semantic Scholar knows of."""
    listed = arxiv_id_from_url(paper.pdf) if paper.pdf else None
    if listed:
        return f"https://arxiv.org/pdf/{listed}"
    if url := web_url(paper.pdf):
        return url
    if paper.arxiv_id and web_url(paper.arxiv_url):
        return f"https://arxiv.org/pdf/{paper.arxiv_id}"
    return web_url(metadata.open_access_pdf) if metadata else None


def paper_card(
    paper: Paper,
    *,
    lang: str,
    metadata: PaperMetadata | None = None,
    place: Place | None = None,
    also_in: Sequence[Section] = (),
    heading: str | None = None,
) -> discord.Embed:
    """The card of one paper: what it is about (the TL;DR, or the abstract's opening), its
    authors, venue · year and citation count, and where it sits in the list.

    Links are the card's buttons (bot.replies), so the card does not repeat them, except
    the list's further links, which have no button. `heading` (such as "Paper of the week")
    is shown above the title.
    """
    url = pdf_link(paper, metadata) or web_url(paper.arxiv_url) or web_url(paper.code)
    lines = [_authors(paper), _venue_line(paper, metadata, lang)]
    byline = "\n".join(filter(None, lines))
    summary = _summary(metadata, lang) if metadata else ""
    description = "\n\n".join(filter(None, (summary, byline)))
    embed = discord.Embed(
        title=truncate(escape(paper.title), TITLE_LIMIT) or t(lang, "card.untitled"),
        url=url,
        description=description or None,
        colour=COLOUR,
    )
    further = _further_links(paper, metadata, lang)
    if further:
        embed.add_field(name=t(lang, "card.more_links"), value=_pack(further, " · ", lang=lang))
    footer = _place(place, also_in, lang)
    if footer:
        embed.set_footer(text=truncate(plain(footer), _FOOTER_CHARS))
    author = truncate(plain(heading or ""), AUTHOR_NAME_LIMIT)
    if author:
        embed.set_author(name=author)
    return embed


def abstract_cards(paper: Paper, metadata: PaperMetadata, *, lang: str) -> list[discord.Embed]:
    """The full abstract, split over several embeds when long (paragraphs, then sentences,
    are kept whole where they fit), with its source."""
    arxiv_has = bool(metadata.arxiv and metadata.arxiv.abstract)
    source = t(lang, "abstract.from_arxiv" if arxiv_has else "abstract.from_scholar")
    text = escape(metadata.abstract, multiline=True)
    if len(text) > _ABSTRACT_TOTAL:
        text = truncate(text, _ABSTRACT_TOTAL)
    chunks = _split(text, _ABSTRACT_CHUNK) or [t(lang, "abstract.none")]
    title = truncate(
        t(lang, "abstract.title", title=escape(paper.title) or t(lang, "card.untitled")),
        TITLE_LIMIT,
    )
    embeds = []
    for index, chunk in enumerate(chunks):
        embed = discord.Embed(
            title=title if index == 0 else None,
            url=web_url(paper.arxiv_url) if index == 0 else None,
            description=chunk,
            colour=COLOUR,
        )
        if index == len(chunks) - 1:
            embed.set_footer(text=source)
        embeds.append(embed)
    return embeds


def section_pages(
    section: Section, papers: Sequence[Paper], *, per_page: int = 10, lang: str
) -> list[discord.Embed]:
    """The listing of a section, `per_page` papers to an embed, numbered across pages.

    `papers` are the section's papers in list order. An empty section gives one page that says
    so; every page fits Discord's limits whatever the titles.
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
    name = escape(section.name) or escape(section.slug) or t(lang, "section.untitled")
    heading = escape(section.heading)
    # The reader's language first, the other beside it: the headings are the list's Chinese.
    first, second = (heading, name) if lang == "zh" and heading else (name, heading)
    title = truncate(f"{first} · {second}" if second and second != first else first, TITLE_LIMIT)
    count = (
        t(lang, "section.count_one")
        if len(papers) == 1
        else t(lang, "section.count", n=len(papers))
    )
    pages = [papers[start : start + per_page] for start in range(0, len(papers), per_page)]
    line_chars = (DESCRIPTION_LIMIT - per_page + 1) // per_page  # lines and the newlines between
    embeds: list[discord.Embed] = []
    for index, page in enumerate(pages or [()]):
        lines = [
            _listing_line(n, paper, line_chars, lang)
            for n, paper in enumerate(page, index * per_page + 1)
        ]
        footer = t(
            lang,
            "section.footer",
            page=index + 1,
            pages=max(len(pages), 1),
            count=count,
            slug=section.slug,
        )
        embed = discord.Embed(
            title=title,
            description="\n".join(lines) or t(lang, "section.empty"),
            colour=COLOUR,
        )
        embed.set_footer(text=truncate(plain(footer), FOOTER_LIMIT))
        embeds.append(embed)
    return embeds


# Ever shorter versions of an entry for the card: (authors kept, characters of each text).
# The last always fits a description: four texts (title, one author, venue, eprint) of 20
# characters, each escaping to at most 16 (\textbackslash{}), a key of at most 64, a URL of at
# most 2048 and about 200 of layout come to under 3,700 characters.
_SHORTER_CITATIONS: tuple[tuple[int, int | None], ...] = ((10, None), (3, 300), (1, 100), (1, 20))


def citation_card(
    paper: Paper, lang: str, *, doi: str = "", limit: int = MESSAGE_EMBEDS_LIMIT
) -> discord.Embed:
    """The paper's BibTeX in a code block, with the paper's internal id. An entry too long
    for a description, or for `limit` characters in all (the room left in a message), is
    rebuilt shorter, still valid; the shortest is returned when nothing fits."""
    title = truncate(
        t(lang, "cite.title", title=escape(paper.title) or t(lang, "card.untitled")),
        TITLE_LIMIT,
    )
    url = next(filter(None, map(web_url, (paper.pdf, paper.arxiv_url))), None)
    versions = ((None, None), *_SHORTER_CITATIONS)
    for shortened, (max_authors, text_chars) in enumerate(versions):
        bib = _code_safe(citation(paper, max_authors=max_authors, text_chars=text_chars, doi=doi))
        embed = discord.Embed(title=title, url=url, description=f"```bibtex\n{bib}\n```")
        embed.colour = COLOUR
        note = t(lang, "cite.shortened") if shortened else t(lang, "cite.note")
        embed.set_footer(text=truncate(plain(f"{note} · id: {paper.id}"), _FOOTER_CHARS))
        fits = len(embed.description or "") <= DESCRIPTION_LIMIT and len(embed) <= limit
        if fits or shortened == len(versions) - 1:
            return embed
    raise AssertionError("unreachable: the last version is always returned")


# --- the paper card ---------------------------------------------------------------------------


def _summary(metadata: PaperMetadata, lang: str) -> str:
    if metadata.tldr:
        tldr = truncate(escape(metadata.tldr), SUMMARY_CHARS)
        return f"**{t(lang, 'card.tldr')}** {tldr}" if tldr else ""
    return truncate(escape(sentences(metadata.abstract, SUMMARY_CHARS)), SUMMARY_CHARS)


def _authors(paper: Paper) -> str:
    names = [name for name in (truncate(escape(a), _NAME_CHARS) for a in paper.authors) if name]
    shown: list[str] = []
    size = 0
    for name in names[:_AUTHORS_SHOWN]:
        grown = size + (2 if shown else 0) + len(name)
        if shown and grown > _AUTHORS_CHARS:
            break
        shown.append(name)
        size = grown
    if not shown:
        return ""
    et_al = paper.et_al or len(shown) < len(names)
    return ", ".join(shown) + (" et al." if et_al else "")


def _venue_line(paper: Paper, metadata: PaperMetadata | None, lang: str) -> str:
    """Venue · year · cited N times: the list's venue and year, else the metadata's."""
    venue = clean(paper.venue) or (metadata.venue if metadata else "")
    year = year_of(paper) or (str(metadata.year) if metadata and metadata.year else "")
    cited = metadata.citation_count if metadata else None
    parts = [truncate(escape(venue), _VENUE_CHARS), year]
    if cited is not None and cited >= 0:
        parts.append(
            t(lang, "card.cited_once") if cited == 1 else t(lang, "card.cited", n=f"{cited:,}")
        )
    return " · ".join(filter(None, parts))


def _place(place: Place | None, also_in: Sequence[Section], lang: str) -> str:
    parts = []
    if place is not None:
        name = truncate(_section_name(place.section, lang), _SECTION_NAME_CHARS)
        if place.count == 1:
            parts.append(t(lang, "card.only_in", section=name))
        else:
            parts.append(t(lang, "card.place", n=place.number, count=place.count, section=name))
    others = [truncate(_section_name(s, lang), _SECTION_NAME_CHARS) for s in also_in]
    if others:
        parts.append(t(lang, "card.also_in", sections=", ".join(others)))
    return " · ".join(parts)


def _section_name(section: Section, lang: str) -> str:
    """A section's name in the reader's language (the list's headings are Chinese)."""
    if lang == "zh" and clean(section.heading):
        return clean(section.heading)
    return clean(section.name) or clean(section.slug) or t(lang, "section.untitled")


def _further_links(paper: Paper, metadata: PaperMetadata | None, lang: str) -> list[str]:
    """Markdown links to the list's further links: those no button of the card opens."""
    on_buttons = {pdf_link(paper, metadata), web_url(paper.code), web_url(paper.arxiv_url)}
    on_buttons.add(web_url(paper.pdf))
    links: list[str] = []
    seen: set[str] = set()
    for raw in paper.links:
        url = web_url(raw)
        if url is None or url in on_buttons or url in seen:
            continue
        seen.add(url)
        label = t(lang, "card.link_n", n=len(links) + 1)
        links.append(f"[{label}]({url.replace('(', '%28').replace(')', '%29')})")
    return links


def _pack(
    items: Sequence[str], separator: str, limit: int = FIELD_VALUE_LIMIT, *, lang: str
) -> str:
    """The items joined, or as many as fit in `limit` and a note of how many were left out."""
    text = separator.join(items)
    if len(text) <= limit:
        return text
    reserve = len(separator) + len(t(lang, "card.more", n=len(items)))
    kept: list[str] = []
    size = 0
    for item in items:
        grown = size + (len(separator) if kept else 0) + len(item)
        if grown + reserve <= limit:
            kept.append(item)
            size = grown
    return separator.join([*kept, t(lang, "card.more", n=len(items) - len(kept))])


def _split(text: str, size: int) -> list[str]:
    """`text` in pieces of at most `size` characters, cut between paragraphs, else between
    sentences, else between words; never inside an escape."""
    pieces: list[str] = []
    while len(text) > size:
        head = text[:size]
        cut = max(head.rfind("\n"), head.rfind(". ") + 1)
        if cut < size // 2:
            cut = head.rfind(" ")
        if cut < size // 2:
            cut = size
        while cut > 1 and (len(head[:cut]) - len(head[:cut].rstrip("\\"))) % 2:
            cut -= 1  # an escape backslash stays with the character it escapes
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text.strip():
        pieces.append(text)
    return pieces


# --- section pages ----------------------------------------------------------------------------


def _listing_line(number: int, paper: Paper, chars: int, lang: str) -> str:
    prefix = f"**{number}.** "
    suffix = f" ({year_of(paper)})" if year_of(paper) else ""
    room = max(min(_LISTING_TITLE_CHARS, chars - len(prefix) - len(suffix)), 1)
    return prefix + (truncate(escape(paper.title), room) or t(lang, "card.untitled")) + suffix


def _code_safe(text: str) -> str:
    """Text for a code block: no ``` fence can close it early, no @everyone can show."""
    return no_mentions(re.sub(r"`(?=`)", "`" + "\u200b", text))
