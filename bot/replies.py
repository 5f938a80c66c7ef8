"""What each command answers, as a value both Discord and the console render.

Pure: no event loop, no network, no discord.ext. A Reply holds the message (content,
embeds), its components (buttons, a select menu) described as plain data with stable
custom ids, and whether only the asker sees it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

import discord

from bot import cards, reading
from bot.catalogue.diff import CatalogueDiff
from bot.finder import find, proposed_entry
from bot.i18n import Failure, Message, day_name, t
from bot.library import Library
from bot.models import Paper, Section
from bot.reading import Mark
from bot.search import SearchResult, decide, rank_sections
from bot.text import display_name, plain
from bot.translator import ZH
from bot.weekly import Schedule, next_due
from bot.weekly.plan import WeeklyState, schedule_of

# Custom ids of persistent components: "rl:<action>:<arguments>", at most 100 characters.
CITE = "rl:cite"  # rl:cite:<paper id>
ABSTRACT = "rl:abs"  # rl:abs:<paper id>
NAV = "rl:nav"  # rl:nav:<section slug>:<paper id>
PAGE = "rl:page"  # rl:page:<section slug>:<page>:<asker id>
OPEN = "rl:open"  # a select menu whose values are paper ids
SEARCH = "rl:search"  # rl:search:<page>:<asker id>:<query, cut to fit>
READ = "rl:read"  # rl:read:<paper id>: the clicker's read mark, on or off
SAVE = "rl:save"  # rl:save:<paper id>: the clicker's saved-for-later mark, on or off
DELETE = "rl:del"  # rl:del:<asker id>: remove a public card (its asker only)
MINE = "rl:mine"  # rl:mine:<page>:<reader id>: a page of a reader's list
FORGET = "rl:forget"  # rl:forget:<reader id>: the confirmation of /reading forget
BOARD = "rl:board"  # rl:board:<page>:<asker id>: a page of the server's board
BOARD_PAGE = 10  # papers a page of the server's board
BOARD_NAMES = 10  # names shown under one paper's count (the count says how many in all)
READING_PAGE = 10  # papers a page of /reading list
SEARCH_PAGE = 10  # papers a page of search results
SEARCH_LIMIT = 50  # papers a search lists at most
CHOICE_LIMIT = 25  # autocomplete choices and select options
CONTENT_LIMIT = 2000  # characters of a message's content
FIND_CARDS = 5  # cards of one "Find in reading list" answer: inside 10 embeds, 6,000 characters
_CHOICE_NAME = 100
_CONTENT_QUERY = 100  # characters of a user's query echoed back
_BUTTON_URL = 512  # a link button's URL
_MESSAGE_EMBEDS = 6000  # characters of all embeds of one message


@dataclass(frozen=True, slots=True)
class Button:
    """A link button (url) or an action button (custom_id)."""

    label: str
    url: str | None = None
    custom_id: str | None = None
    disabled: bool = False
    primary: bool = False
    danger: bool = False

    def payload(self) -> dict[str, Any]:
        """The Discord component JSON."""
        if self.url:
            return {"type": 2, "style": 5, "label": self.label, "url": self.url}
        style = 4 if self.danger else 1 if self.primary else 2
        return {
            "type": 2,
            "style": style,
            "label": self.label,
            "custom_id": self.custom_id,
            "disabled": self.disabled,
        }


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a select menu, or one autocomplete choice."""

    label: str
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Menu:
    """A select menu."""

    custom_id: str
    placeholder: str
    options: tuple[Option, ...]

    def payload(self) -> dict[str, Any]:
        """The Discord component JSON."""
        return {
            "type": 3,
            "custom_id": self.custom_id,
            "placeholder": self.placeholder,
            "options": [
                {"label": o.label, "value": o.value}
                | ({"description": o.description} if o.description else {})
                for o in self.options
            ],
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """One answer: a message and its components."""

    content: str = ""
    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    menu: Menu | None = None
    ephemeral: bool = False
    files: tuple[Attachment, ...] = ()
    papers: tuple[str, ...] = field(default=(), compare=False)  # ids shown, for tests and logs

    def payload(self) -> dict[str, Any]:
        """The Discord message payload this reply sends."""
        components: list[dict[str, Any]] = [
            {"type": 1, "components": [b.payload() for b in row]} for row in self.buttons if row
        ]
        if self.menu:
            components.append({"type": 1, "components": [self.menu.payload()]})
        return {
            "content": self.content,
            "embeds": [e.to_dict() for e in self.embeds],
            "components": components,
            "flags": 64 if self.ephemeral else 0,
        }


def _quote(text: str) -> str:
    """A user's text echoed back: escaped, one line, short."""
    return f"“{cards.escape(cards.truncate(' '.join(text.split()), _CONTENT_QUERY))}”"


def _label(text: str, limit: int = _CHOICE_NAME) -> str:
    """A plain one-line label of at most `limit` characters, never empty."""
    return cards.truncate(" ".join(text.split()), limit) or "…"


# --- papers -------------------------------------------------------------------------------


def paper_card(
    library: Library,
    paper: Paper,
    *,
    section: str | None = None,
    heading: str | None = None,
    lang: str,
    asker: int = 0,
) -> Reply:
    """A paper's card with its buttons: PDF, arXiv, Code (links), Abstract and Cite (to the
    clicker alone), previous/next in section, Mark read and Save for later (each clicker's
    own marks, answered to them alone), and, on a public card answering `asker`, a button
    that lets them remove it.

    The card says where the paper sits in `section` (default: the first section it is
    listed in), and the browse buttons walk that section in the curator's order; a section
    of one paper has no browse buttons.
    """
    metadata = library.metadata(paper.id)
    slug = section if section in paper.sections else (paper.sections[0] if paper.sections else None)
    current = library.section(slug) if slug else None
    place = None
    if current is not None and paper.id in current.paper_ids:
        number = current.paper_ids.index(paper.id) + 1
        place = cards.Place(current, number, len(current.paper_ids))
    also_in = [s for s in library.sections_of(paper) if s.slug != slug]
    embed = cards.paper_card(
        paper, metadata=metadata, place=place, also_in=also_in, heading=heading, lang=lang
    )
    links = []
    if url := _button_url(cards.pdf_link(paper, metadata)):
        links.append(Button(t(lang, "card.pdf"), url=url))
    if url := _button_url(paper.arxiv_url):
        links.append(Button(t(lang, "button.arxiv"), url=url))
    if url := _button_url(paper.code):
        links.append(Button(t(lang, "card.code"), url=url))
    if metadata is not None and metadata.abstract:
        links.append(Button(t(lang, "button.abstract"), custom_id=f"{ABSTRACT}:{paper.id}"))
    links.append(Button(t(lang, "button.cite"), custom_id=f"{CITE}:{paper.id}"))
    rows = [tuple(links)]
    if slug and place is not None and place.count > 1:
        before, after = library.neighbours(paper, slug)
        rows.append(
            (
                Button(
                    t(lang, "button.previous_in_section"),
                    custom_id=f"{NAV}:{slug}:{before.id if before else paper.id}:p",
                    disabled=before is None,
                ),
                Button(
                    t(lang, "button.next_in_section"),
                    custom_id=f"{NAV}:{slug}:{after.id if after else paper.id}:n",
                    disabled=after is None,
                ),
            )
        )
    reading = [
        Button(t(lang, "button.read"), custom_id=f"{READ}:{paper.id}"),
        Button(t(lang, "button.save"), custom_id=f"{SAVE}:{paper.id}"),
    ]
    if asker:
        reading.append(Button(t(lang, "button.delete"), custom_id=f"{DELETE}:{asker}"))
    rows.append(tuple(reading))
    return Reply(embeds=(embed,), buttons=tuple(rows), papers=(paper.id,))


def _button_url(url: str | None) -> str | None:
    """A URL a link button takes (http(s), at most 512 characters)."""
    return cards.web_url(url, _BUTTON_URL)


def abstract_reply(library: Library, paper: Paper, lang: str) -> Reply:
    """The full abstract of a paper, for the clicker alone."""
    metadata = library.metadata(paper.id)
    if metadata is None or not metadata.abstract:
        return notice(t(lang, "abstract.none"))
    embeds = cards.abstract_cards(paper, metadata, lang=lang)
    return Reply(embeds=tuple(embeds), ephemeral=True, papers=(paper.id,))


def paper_reply(library: Library, query: str, lang: str, asker: int = 0) -> Reply:
    """/paper: the best match's card when the search is sure of it (the others offered when
    several fit about equally); a ranked list for a topic; else "nothing matched" with
    suggestions, for the asker only. `decide` says which."""
    result = library.index.search(query, SEARCH_LIMIT)
    best = result.best
    decision = decide(result)
    if best is None or decision == "none":
        return no_match(library, query, result, lang)
    if decision == "list":
        listed = library.index.search(query, SEARCH_LIMIT, browse=True)
        return search_page(library, query, listed, 0, asker, lang, topic=True)
    reply = paper_card(library, best.paper, lang=lang, asker=asker)
    if not result.ambiguous:
        return reply
    close = result.close
    return Reply(
        content=t(lang, "paper.ambiguous", n=len(close), query=_quote(query)),
        embeds=reply.embeds,
        buttons=reply.buttons,
        menu=_paper_menu([h.paper for h in close[1:]], t(lang, "menu.other_paper")),
        papers=tuple(h.paper.id for h in close),
    )


def no_match(library: Library, query: str, result: SearchResult, lang: str) -> Reply:
    """No paper fits: say what was searched and offer the closest titles."""
    if result.unknown_arxiv:
        text = t(lang, "paper.unknown_arxiv", id=result.unknown_arxiv)
    elif not query.strip():
        text = t(lang, "paper.empty_query")
    else:
        text = t(lang, "paper.no_match", query=_quote(query))
    closest = (
        list(result.near)
        or [h.paper for h in result.hits[:3]]
        or (library.index.closest(query, 3) if query.strip() else [])
    )
    if closest:
        titles = "; ".join(cards.escape(cards.truncate(p.title, 80)) for p in closest)
        text += "\n" + t(lang, "paper.closest", titles=titles)
    text += "\n" + t(lang, "paper.try")
    return Reply(
        content=text,
        menu=_paper_menu(closest, t(lang, "menu.other_paper")) if closest else None,
        ephemeral=True,
        papers=tuple(p.id for p in closest),
    )


T = TypeVar("T")


def _page_of(items: Sequence[T], page: int, size: int) -> tuple[Sequence[T], int, int, int]:
    """Page `page` (from 0, clamped) of `items`, `size` a page: its items, the page, the
    number of pages (at least 1) and the index of its first item."""
    pages = max(1, -(-len(items) // size))
    page = max(0, min(page, pages - 1))
    start = page * size
    return items[start : start + size], page, pages, start


def _page_buttons(
    custom_id: Callable[[int], str], page: int, pages: int, lang: str
) -> tuple[tuple[Button, ...], ...]:
    """The previous / next page buttons of a listing of `pages` pages shown at `page` (none
    for one page); `custom_id(n)` is the id of the button that turns to page n."""
    if pages <= 1:
        return ()
    return (
        (
            Button(t(lang, "button.previous"), custom_id=custom_id(page - 1), disabled=page == 0),
            Button(
                t(lang, "button.next"), custom_id=custom_id(page + 1), disabled=page + 1 >= pages
            ),
        ),
    )


def _listing(title: str, rows: Sequence[str], footer: str) -> discord.Embed:
    """A listing's embed: its title, its rows within an embed's description, its footer."""
    embed = discord.Embed(
        title=title,
        description=cards.truncate("\n".join(rows), cards.DESCRIPTION_LIMIT),
        colour=cards.COLOUR,
    )
    embed.set_footer(text=footer)
    return embed


def _paper_menu(papers: Sequence[Paper], placeholder: str) -> Menu:
    options = tuple(
        Option(_label(p.title), p.id, _label(_byline(p))) for p in papers[:CHOICE_LIMIT]
    )
    return Menu(OPEN, placeholder, options)


def _byline(paper: Paper) -> str:
    first = paper.authors[0] if paper.authors else ""
    more = " et al." if len(paper.authors) > 1 or paper.et_al else ""
    year = f" · {paper.year}" if paper.year else ""
    return f"{first}{more}{year}" or "—"


def paper_choices(library: Library, query: str) -> list[Option]:
    """Autocomplete for /paper: up to 25 papers, best first; the list's first papers for an
    empty query. Names are readable titles, values stable paper ids."""
    if not query.strip():
        papers = list(library.catalogue.papers[:CHOICE_LIMIT])
    else:
        papers = [h.paper for h in library.index.search(query, CHOICE_LIMIT).hits]
    return [Option(_choice_name(p), p.id) for p in papers]


def _choice_name(paper: Paper) -> str:
    year = f" ({paper.year})" if paper.year else ""
    return _label(paper.title, _CHOICE_NAME - len(year)) + year


def search_reply(
    library: Library, query: str, page: int = 0, asker: int = 0, *, lang: str
) -> Reply:
    """/search: the papers that fit a question, best first, 10 a page, each with the words
    that matched; page buttons for the asker and a menu to open each paper."""
    result = library.index.search(query, SEARCH_LIMIT, browse=True)
    if not result.hits:
        return no_match(library, query, result, lang)
    return search_page(library, query, result, page, asker, lang)


def search_page(
    library: Library,
    query: str,
    result: SearchResult,
    page: int,
    asker: int,
    lang: str,
    *,
    topic: bool = False,
) -> Reply:
    """Page `page` (from 0, clamped) of a search's results."""
    hits = result.hits
    shown, page, pages, start = _page_of(hits, page, SEARCH_PAGE)
    lines = []
    for n, hit in enumerate(shown, start + 1):
        p = hit.paper
        year = f" ({p.year})" if p.year else ""
        title = cards.escape(cards.truncate(p.title, 150))
        lines.append(f"**{n}.** {title}{year}\n  {cards.escape(_why(hit.matched, hit.why, lang))}")
    embed = discord.Embed(
        title=cards.truncate(
            t(
                lang,
                "search.title",
                query=cards.escape(cards.truncate(" ".join(query.split()), 200)),
            ),
            cards.TITLE_LIMIT,
        ),
        description=cards.truncate("\n".join(lines), cards.DESCRIPTION_LIMIT),
        colour=cards.COLOUR,
    )
    embed.set_footer(text=t(lang, "search.footer", page=page + 1, pages=pages, n=len(hits)))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if pages > 1:
        base = f"{SEARCH}:{{page}}:{asker}:"
        widest = max(len(str(pages)), 2)  # page numbers run from -1 to `pages`
        key = _search_key(query, 100 - len(base.format(page="")) - widest)
        buttons = _page_buttons(lambda n: base.format(page=n) + key, page, pages, lang)
    menu = Menu(
        OPEN,
        t(lang, "menu.from_page"),
        tuple(
            Option(_label(f"{n}. {h.paper.title}"), h.paper.id, _label(_byline(h.paper)))
            for n, h in enumerate(shown, start + 1)
        ),
    )
    # A topic answer is not sure of any paper: even one is offered, never shown as the answer.
    topic_key = "search.topic_one" if len(result.hits) == 1 else "search.topic"
    content = t(lang, topic_key, query=_quote(query)) if topic else ""
    return Reply(
        content=content,
        embeds=(embed,),
        buttons=buttons,
        menu=menu,
        papers=tuple(h.paper.id for h in shown),
    )


# Where a match was found, as the reader is told: a field of the ranked retrieval or the
# kind of name or link that matched.
_WHY_KEYS = {
    "title": "why.title",
    "title head": "why.title",
    "aliases": "why.nickname",
    "nickname": "why.nickname",
    "authors": "why.authors",
    "first_author": "why.authors",
    "author": "why.authors",
    "section": "why.section",
    "heading": "why.section",
    "venue": "why.venue",
    "repo": "why.code",
    "code repository": "why.code",
    "arXiv id": "why.link",
    "link": "why.link",
    "id": "why.link",
    "citation": "why.citation",
}


def _why(matched: tuple[tuple[str, tuple[str, ...]], ...], why: str, lang: str) -> str:
    """ "title: mixture, experts · section: moe", in the reader's language."""
    parts: dict[str, list[str]] = {}
    for field_name, found in matched:
        label = t(lang, _WHY_KEYS.get(field_name, "why.title"))
        for word in found:
            if word not in parts.setdefault(label, []):
                parts[label].append(word)
    if not parts:
        return t(lang, _WHY_KEYS.get(why, "why.title"))
    return " · ".join(f"{label}: {', '.join(ws)}" for label, ws in parts.items())


def _search_key(query: str, room: int) -> str:
    """The query as a page button carries it: one line, cut to `room` characters."""
    head = query[: 4 * max(room, 0)]  # room is a button's; the rest is never carried
    printable = "".join(c for c in head if c.isprintable() and not "\ud800" <= c <= "\udfff")
    return " ".join(printable.split())[: max(room, 0)]


def search_turn(library: Library, custom_id: str, clicker: int, lang: str) -> Reply | str:
    """The page a search page button leads to, or a sentence saying why the clicker can't
    turn it."""
    parts = custom_id.split(":", 4)
    if len(parts) != 5 or not parts[2].lstrip("-").isdigit() or not parts[3].isdigit():
        return t(lang, "section.page_invalid")
    _, _, page, asker, query = parts
    if int(asker) and int(asker) != clicker:
        return t(lang, "search.not_yours")
    reply = search_reply(library, query, int(page), int(asker), lang=lang)
    return reply if reply.embeds else reply.content


def cite_reply(library: Library, query: str, lang: str) -> Reply:
    """/cite: the best match's card and its BibTeX entry, with the paper's internal id."""
    result = library.index.search(query, CHOICE_LIMIT)
    if result.best is None:
        return no_match(library, query, result, lang)
    paper = result.best.paper
    card = paper_card(library, paper, lang=lang)
    room = _MESSAGE_EMBEDS - sum(map(len, card.embeds))
    bib = _citation_embed(library, paper, lang, room)
    if len(bib) > room:  # an extreme entry: the citation alone
        return citation(library, paper, lang)
    return Reply(
        embeds=(*card.embeds, bib), buttons=card.buttons, ephemeral=True, papers=(paper.id,)
    )


def citation(library: Library, paper: Paper, lang: str) -> Reply:
    """A paper's BibTeX entry, for the asker only."""
    embed = _citation_embed(library, paper, lang, _MESSAGE_EMBEDS)
    return Reply(embeds=(embed,), ephemeral=True, papers=(paper.id,))


def _citation_embed(library: Library, paper: Paper, lang: str, room: int) -> discord.Embed:
    metadata = library.metadata(paper.id)
    return cards.citation_card(paper, lang, doi=metadata.doi if metadata else "", limit=room)


def browse(library: Library, custom_id: str, lang: str, asker: int = 0) -> Reply | None:
    """The card a browse button leads to; None when the paper left the list."""
    _, _, slug, paper_id, _ = [*custom_id.split(":", 4), "", "", ""][:5]
    paper = library.paper(paper_id)
    return paper_card(library, paper, section=slug, lang=lang, asker=asker) if paper else None


def random_reply(
    library: Library,
    rng: random.Random,
    section: str | None = None,
    *,
    lang: str,
    asker: int = 0,
) -> Reply:
    """/random: a paper picked at random, optionally from one section."""
    chosen: Section | None = None
    if section and section.strip():
        found = rank_sections(library.catalogue, section, 1)
        if not found:
            return unknown_section(library, section, lang)
        chosen = found[0]
    paper = library.random_paper(rng, chosen)
    if paper is None:
        if chosen:
            return notice(t(lang, "random.none_in_section", name=cards.escape(chosen.name)))
        return notice(t(lang, "random.none_in_list"))
    slug = chosen.slug if chosen else None
    heading = t(lang, "random.heading")
    return paper_card(library, paper, section=slug, heading=heading, lang=lang, asker=asker)


@dataclass(frozen=True)
class Action:
    """What a click on a component answers: a reply, and whether it replaces the message the
    component belongs to (else it is a new message)."""

    reply: Reply
    edit: bool = False


def click(
    library: Library,
    custom_id: str,
    value: str,
    clicker: int,
    asker: int | None,
    lang: str,
) -> Action:
    """The answer to a component: `custom_id` says what it is, `value` is a menu's choice,
    `asker` who ran the command the message answers (None when unknown).

    Citations and papers opened from a menu come to the clicker alone; the asker browses and
    turns pages in place, anyone else gets their own copy.
    """
    if custom_id.startswith(CITE + ":"):
        paper = library.paper(custom_id.removeprefix(CITE + ":"))
        return Action(citation(library, paper, lang) if paper else _gone(lang))
    if custom_id.startswith(ABSTRACT + ":"):
        paper = library.paper(custom_id.removeprefix(ABSTRACT + ":"))
        return Action(abstract_reply(library, paper, lang) if paper else _gone(lang))
    if custom_id.startswith(NAV + ":"):
        mine = asker == clicker
        reply = browse(library, custom_id, lang, asker=clicker if mine else 0)
        if reply is None:
            return Action(_gone(lang))
        if mine:
            return Action(reply, edit=True)
        return Action(replace(reply, ephemeral=True))
    if custom_id.startswith(SEARCH + ":"):
        found = search_turn(library, custom_id, clicker, lang)
        if isinstance(found, str):
            return Action(notice(found))
        return Action(found, edit=True)
    if custom_id.startswith(PAGE + ":"):
        turned = page_turn(library, custom_id, clicker, lang)
        if isinstance(turned, str):
            return Action(notice(turned))
        return Action(turned, edit=True)
    if custom_id == OPEN:
        paper = library.paper(value)
        if paper is None:
            return Action(_gone(lang))
        return Action(replace(paper_card(library, paper, lang=lang), ephemeral=True))
    return Action(notice(t(lang, "button.invalid")))


def _gone(lang: str) -> Reply:
    return notice(t(lang, "paper.gone"))


def _found_key(found: int, total: int) -> str:
    """The sentence for `found` of `total` references found, in the right number."""
    if total == 1:
        return "find.found_single"
    if found == total:
        return "find.found_all"
    return "find.found_one" if found == 1 else "find.found"


def find_reply(library: Library, text: str, lang: str) -> Reply:
    """Find in reading list: the cards of the papers a message refers to, and what is not in
    the list (with an entry to propose for an arXiv paper)."""
    found = find(library, text)
    if not found.references:
        return Reply(content=t(lang, "find.nothing"), ephemeral=True)
    papers = found.papers
    embeds = [e for p in papers[:FIND_CARDS] for e in paper_card(library, p, lang=lang).embeds]
    lines = []
    if papers:
        lines.append(
            t(
                lang,
                _found_key(len(papers), len(found.references)),
                found=len(papers),
                total=len(found.references),
            )
        )
    if len(papers) > FIND_CARDS:
        lines.append(t(lang, "find.first", n=FIND_CARDS))
    for ref in found.missing:
        shown = cards.escape(cards.truncate(ref.text, 120))
        lines.append(t(lang, "find.missing", ref=shown))
        if ref.arxiv_id:
            lines.append(
                t(lang, "find.propose") + f"\n```markdown\n{proposed_entry(ref.arxiv_id)}\n```"
            )
    content = cards.truncate("\n".join(lines), CONTENT_LIMIT)
    if content.count("```") % 2:  # a cut inside the code block must not leave it open
        content = cards.truncate(content[: content.rfind("```")].rstrip(), CONTENT_LIMIT)
    return Reply(
        content=content, embeds=tuple(embeds), ephemeral=True, papers=tuple(p.id for p in papers)
    )


# --- sections -----------------------------------------------------------------------------


def section_reply(
    library: Library, query: str, page: int = 0, asker: int = 0, *, lang: str
) -> Reply:
    """/section: one page of a section listing, with page buttons for the asker."""
    found = rank_sections(library.catalogue, query, 1) if query.strip() else []
    if not found:
        return unknown_section(library, query, lang)
    return section_page(library, found[0], page, asker, lang)


def section_page(library: Library, section: Section, page: int, asker: int, lang: str) -> Reply:
    """Page `page` (from 0, clamped) of a section, its page buttons and a menu of its papers."""
    papers = library.papers_of(section)
    pages = cards.section_pages(section, papers, lang=lang)
    page = max(0, min(page, len(pages) - 1))
    start = page * 10
    shown = papers[start : start + 10]
    base = f"{PAGE}:{section.slug}"
    buttons = _page_buttons(lambda n: f"{base}:{n}:{asker}", page, len(pages), lang)
    menu = (
        Menu(
            OPEN,
            t(lang, "menu.from_page"),
            tuple(
                Option(_label(f"{start + n}. {p.title}"), p.id, _label(_byline(p)))
                for n, p in enumerate(shown, 1)
            ),
        )
        if shown
        else None
    )
    return Reply(
        embeds=(pages[page],), buttons=buttons, menu=menu, papers=tuple(p.id for p in shown)
    )


def page_turn(library: Library, custom_id: str, clicker: int, lang: str) -> Reply | str:
    """The page a page button leads to, or a sentence saying why the clicker can't turn it."""
    parts = custom_id.split(":")
    if len(parts) != 5 or not parts[3].lstrip("-").isdigit() or not parts[4].isdigit():
        return t(lang, "section.page_invalid")
    _, _, slug, page, asker = parts
    if int(asker) and int(asker) != clicker:
        return t(lang, "section.not_yours")
    section = library.section(slug)
    if section is None:
        return t(lang, "section.gone")
    return section_page(library, section, int(page), int(asker), lang)


def _in_language(section: Section, lang: str) -> str:
    # The list's headings are Chinese: a Chinese reader's name for a section is its heading.
    return (section.heading if lang == "zh" else section.name) or section.name or section.slug


def section_name(section: Section, lang: str) -> str:
    """A section's name in the reader's language with the original heading beside it."""
    first = _in_language(section, lang)
    second = section.name if first == section.heading else section.heading
    return first if not second or second == first else f"{first} · {second}"


def unknown_section(library: Library, query: str, lang: str) -> Reply:
    """No section fits: list them all."""
    lines = [
        f"`{s.slug}` {cards.escape(section_name(s, lang))}" for s in library.catalogue.sections
    ]
    head = (
        t(lang, "section.no_match", query=_quote(query))
        if query.strip()
        else t(lang, "section.all")
    )
    body = cards.truncate("\n".join(lines), cards.DESCRIPTION_LIMIT - 100)
    title = t(lang, "section.list_title")
    embed = discord.Embed(title=title, description=body, colour=cards.COLOUR)
    return Reply(content=head, embeds=(embed,), ephemeral=True)


def section_choices(library: Library, query: str, lang: str) -> list[Option]:
    """Autocomplete for /section: the name in the reader's language with the original
    heading; the value is the slug."""
    return [
        Option(_label(section_name(s, lang)), s.slug)
        for s in rank_sections(library.catalogue, query, CHOICE_LIMIT)
    ]


# --- authors ------------------------------------------------------------------------------


def author_reply(library: Library, query: str, lang: str) -> Reply:
    """/author: the papers of the author who fits best, in list order."""
    if not query.strip():
        return notice(t(lang, "author.empty"))
    found = library.authors.rank(query, 5)
    if not found:
        return notice(t(lang, "author.no_match", query=_quote(query)))
    name, _ = found[0]
    papers = library.authors.papers(name)
    lines = [
        f"**{n}.** {cards.escape(cards.truncate(p.title, 200))}"
        + (f" ({p.year})" if p.year else "")
        for n, p in enumerate(papers, 1)
    ]
    embed = discord.Embed(
        title=cards.truncate(t(lang, "author.title", name=name), cards.TITLE_LIMIT),
        description=cards.truncate("\n".join(lines), cards.DESCRIPTION_LIMIT),
        colour=cards.COLOUR,
    )
    embed.set_footer(text=t(lang, "author.footer", n=len(papers)))
    others = [n for n, _ in found[1:] if n != name]
    content = ""
    if others:
        content = t(lang, "author.also", names=", ".join(cards.escape(n) for n in others[:4]))
    return Reply(
        content=content,
        embeds=(embed,),
        menu=_paper_menu(papers, t(lang, "menu.these_papers")),
        papers=tuple(p.id for p in papers),
    )


def author_choices(library: Library, query: str) -> list[Option]:
    """Autocomplete for /author: names with their paper counts."""
    return [
        Option(_label(f"{name} ({count})"), cards.truncate(name, 100))
        for name, count in library.authors.rank(query, CHOICE_LIMIT)
    ]


# --- the weekly paper ---------------------------------------------------------------------


def weekly_post(library: Library, paper: Paper, lang: str) -> Reply:
    """The paper of the week: its card, headed with the section it comes from."""
    sections = library.sections_of(paper)
    heading = (
        t(lang, "weekly.heading_in", section=_in_language(sections[0], lang))
        if sections
        else t(lang, "weekly.heading")
    )
    return paper_card(library, paper, heading=heading, lang=lang)


def describe_schedule(schedule: Schedule, lang: str) -> str:
    """ "Mondays at 09:00 (Europe/Berlin)", or "每周一 09:00（Europe/Berlin）"."""
    return t(
        lang,
        "weekly.schedule",
        day=day_name(lang, schedule.weekday),
        time=schedule.at.strftime("%H:%M"),
        tz=schedule.tz,
    )


def weekly_status(
    channel: str,
    schedule: Schedule | None,
    next_due: datetime | None,
    status: str,
    lang: str,
) -> Reply:
    """/weekly show: where and when, the next post, and how the last one went (`schedule`
    None: the weekly paper is off)."""
    if schedule is None:
        return notice(t(lang, "weekly.off_here"))
    lines = [t(lang, "weekly.goes_to", channel=channel, schedule=describe_schedule(schedule, lang))]
    if next_due:
        stamp = int(next_due.timestamp())
        lines.append(t(lang, "weekly.next", when=f"<t:{stamp}:F> (<t:{stamp}:R>)"))
    if status:
        shown = Message.from_json(status).render(lang)
        lines.append(t(lang, "weekly.last", status=cards.escape(shown)))
    return notice("\n".join(lines))


def weekly_set_reply(
    channel: str,
    schedule: Schedule,
    first: datetime,
    state: WeeklyState | None,
    missing: str,
    lang: str,
) -> Reply:
    """/weekly set: where and when, the first post (`first`, which is what happens), the
    discussion settings, and the permissions the bot lacks there."""
    text = t(
        lang,
        "weekly.set",
        channel=channel,
        schedule=describe_schedule(schedule, lang),
        when=f"<t:{int(first.timestamp())}:F>",
    )
    if state is not None:
        text += "\n" + discussion_settings(state, lang, statuses=False)
    if missing:
        text += "\n" + t(lang, "weekly.cant_post", permissions=missing, channel=channel)
    return notice(text)


def weekly_show_reply(state: WeeklyState | None, now: datetime, lang: str) -> Reply:
    """/weekly show for a server's state as stored: off, or where and when, the next post,
    how the last post went and the discussion settings."""
    if state is None or not state.enabled:
        return weekly_status("", None, None, "", lang)
    schedule = schedule_of(state)
    channel = f"<#{state.channel_id}>"
    status = weekly_status(channel, schedule, next_due(schedule, now), state.last_status, lang)
    extras = discussion_settings(state, lang, statuses=True)
    return notice(f"{status.content}\n{extras}")


def discussion_settings(state: WeeklyState, lang: str, *, statuses: bool) -> str:
    """/weekly show and set: whether posts get a thread, a vote and the board, and (with
    `statuses`) how the last thread and the last vote went."""
    on, off = t(lang, "weekly.on"), t(lang, "weekly.off")
    lines = [
        t(
            lang,
            "weekly.discussion",
            thread=on if state.thread else off,
            vote=on if state.vote else off,
        ),
        t(lang, "weekly.board", board=on if state.board else off),
    ]
    for status in (state.extras_status, state.vote_status) if statuses else ():
        if status:
            shown = Message.from_json(status).render(lang)  # plain text is shown as stored
            lines.append(t(lang, "weekly.last", status=cards.escape(shown)))
    return "\n".join(lines)


def poll_question(lang: str) -> str:
    """The vote's question (at most 300 characters)."""
    return t(lang, "weekly.poll_question")


def poll_answer(paper: Paper) -> str:
    """A paper as a vote's answer: its title, one line, at most 55 characters."""
    return _label(plain(paper.title), 55)


def bad_setting(error: Failure, lang: str) -> Reply:
    """A /weekly value that could not be read: the parser's sentence, which repeats what was
    typed, so it is escaped like any user text."""
    return notice(t(lang, "weekly.bad_setting", detail=cards.escape(error.render(lang))))


def notice(text: str) -> Reply:
    """A short answer for the asker only (confirmations, refusals, errors)."""
    return Reply(content=text, ephemeral=True)


# --- about the bot ------------------------------------------------------------------------

HELP = (
    (
        "/paper query",
        "help.paper",
        "/paper rwkv · /paper t5 · /paper tri dao · /paper 2305.13048",
    ),
    (
        "/search question",
        "help.search",
        "/search state space models · /search 状态空间模型 · /search raffel 2020",
    ),
    ("/section name", "help.section", "/section non-transformer · /section 非 Transformer 架构"),
    ("/author name", "help.author", "/author vaswani · /author gu albert"),
    ("/random [section]", "help.random", "/random · /random encoder-only"),
    ("/cite query", "help.cite", "/cite attention is all you need"),
    ("Find in reading list", "help.find", "https://arxiv.org/abs/2305.13048"),
    (
        "/progress [section] [server]",
        "help.progress",
        "/progress · /progress encoder-decoder",
    ),
    ("/next [section]", "help.next", "/next · /next non-transformer"),
    (
        "/reading list | export | share | forget",
        "help.reading",
        "/reading export",
    ),
    (
        "/weekly set | show | off | now",
        "help.weekly",
        "/weekly set #papers monday 09:00 Asia/Shanghai",
    ),
    ("/reload [force]", "help.reload", "/reload · /reload force:True"),
    ("/about", "help.about", "/about"),
)


def help_reply(lang: str) -> Reply:
    """/help: what each command does, with examples, named as the reader's client shows
    the commands (`/论文 查询` in a zh-CN client)."""
    embed = discord.Embed(
        title=t(lang, "help.title"), description=t(lang, "help.intro"), colour=cards.COLOUR
    )
    for usage, what, examples in HELP:
        name = usage_text(usage, lang)
        value = f"{t(lang, what)}\n`{command_text(examples, lang)}`"
        embed.add_field(name=name, value=value, inline=False)
    return Reply(embeds=(embed,), ephemeral=True)


def command_text(text: str, lang: str) -> str:
    """`text` with each command it names (`/paper`, `/weekly set`, `/reload force:True`) as
    the reader's client shows it: Discord shows the zh-CN names of bot.translator, of the
    commands, their subcommands and their options, to Chinese readers."""
    if lang != "zh":
        return text
    return _COMMAND.sub(_localised_command, text)


def _localised_command(match: re.Match[str]) -> str:
    name = " ".join(ZH.get(w, w) for w in match.group(1).split())
    options = _OPTION.sub(lambda m: ZH.get(m.group(1), m.group(1)) + ":", match.group(2))
    return f"/{name}{options}"


def usage_text(usage: str, lang: str) -> str:
    """A command's usage line (`/paper query`, `/random [section]`) with its command, and
    option names, as the reader's client shows them."""
    if lang != "zh":
        return usage
    if not usage.startswith("/"):
        return ZH.get(usage, usage)  # a message command: `Find in reading list`
    return re.sub(r"[a-z]+", lambda m: ZH.get(m.group(0), m.group(0)), usage)


# A command name with its subcommand, where text names a command, and what follows it up to
# the end of the example (the options written `name:value`).
_COMMAND = re.compile(
    r"(?<![\w/.])/((?:weekly(?: (?:set|show|off|now)\b)?)|"
    r"(?:reading(?: (?:list|export|share|forget)\b)?)|"
    r"(?:paper|search|section|author|random|cite|help|about|reload|progress|next)\b)"
    r"([^`\n·,，、;；]*)"
)
_OPTION = re.compile(r"(?<![\w/.:])([a-z_]+):(?=\S)")


def about_reply(library: Library, lang: str, *, metadata_on: bool = True) -> Reply:
    """/about: the list loaded, paper and section counts, when it was loaded, and the
    sources of the papers' metadata (`metadata_on`: READINGLIST_METADATA)."""
    catalogue = library.catalogue
    embed = discord.Embed(title=t(lang, "about.title"), colour=cards.COLOUR)
    sources = "\n".join(cards.escape(public_name(s)) for s in catalogue.sources) or "—"
    value = cards.truncate(sources, 1000)
    embed.add_field(name=t(lang, "about.source"), value=value, inline=False)
    embed.add_field(name=t(lang, "about.papers"), value=str(len(catalogue.papers)))
    embed.add_field(name=t(lang, "about.entries"), value=str(catalogue.entries))
    embed.add_field(name=t(lang, "about.sections"), value=str(len(catalogue.sections)))
    if library.loaded_at:
        stamp = int(library.loaded_at.timestamp())
        when = f"<t:{stamp}:f> (<t:{stamp}:R>)"
        embed.add_field(name=t(lang, "about.loaded"), value=when, inline=False)
    embed.add_field(
        name=t(lang, "about.metadata"),
        value=_metadata_credits(library, lang, metadata_on),
        inline=False,
    )
    embed.add_field(name=t(lang, "about.stored"), value=t(lang, "about.stored_text"), inline=False)
    if catalogue.problems:
        embed.set_footer(text=t(lang, "about.problems", n=len(catalogue.problems)))
    return Reply(embeds=(embed,))


def _metadata_credits(library: Library, lang: str, metadata_on: bool) -> str:
    """Where the metadata comes from (as its sources ask to be credited), and how much."""
    if not metadata_on:
        return t(lang, "about.metadata_off")
    known = [m for p in library.catalogue.papers if (m := library.metadata(p.id))]
    counts = t(
        lang,
        "about.metadata_counts",
        abstracts=sum(bool(m.abstract) for m in known),
        papers=len(library.catalogue.papers),
        tldrs=sum(bool(m.tldr) for m in known),
        cited=sum(m.citation_count is not None for m in known),
    )
    return f"{t(lang, 'about.metadata_sources')}\n{counts}"


def public_name(source: str) -> str:
    """A reading list's source as readers may see it: the file name of a path or URL, never
    its folders, user:password, query string (`?token=...`) or fragment. A URL without a
    file name is named by its host."""
    shown = display_name(source)  # no user:password, query or fragment
    scheme = _SCHEME.match(shown)
    if scheme is None:
        return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source
    host, _, path = shown[scheme.end() :].partition("/")
    return path.rstrip("/").rsplit("/", 1)[-1] or host


def public_text(text: str) -> str:
    """`text` with every URL in it cut to its public name (see `public_name`)."""
    return _URL_IN_TEXT.sub(lambda m: public_name(m.group(0)), text)


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s,;]+", re.IGNORECASE)


# --- reloads ------------------------------------------------------------------------------


def reload_outcome(diff: CatalogueDiff | None, lang: str) -> str:
    """What a manager is told after a reload that kept no error: the changes taken, or that
    the list has not changed (`diff` None)."""
    return t(lang, "reload.unchanged") if diff is None else reload_done(diff, lang)


def reload_done(diff: CatalogueDiff, lang: str) -> str:
    """After a reload that took a new list: the counts and the first papers of each kind of
    change, within a message's 2,000 characters; the log has the whole report."""
    head, note = t(lang, "reload.done"), t(lang, "reload.in_log")
    lines = diff.summary(lang=lang, budget=CONTENT_LIMIT - len(head) - len(note) - 2)
    if lines == diff.summary(limit=None, lang=lang):
        note = ""
    return "\n".join(filter(None, [head, *lines, note]))


def reload_kept(error: Exception, lang: str) -> str:
    """After a reload that kept the current list: why (a Failure in the reader's language;
    anything else is the database's trouble), with URLs cut to their public names."""
    reason = error.render(lang) if isinstance(error, Failure) else t(lang, "error.store")
    text = t(lang, "reload.kept", reason=public_text(reason))
    return cards.truncate(text, CONTENT_LIMIT)


# --- reading progress ---------------------------------------------------------------------


def mark_reply(mark: Mark, kind: reading.Kind, lang: str) -> Reply:
    """What a click on Mark read / Save for later answers, to the clicker alone: the mark
    as it is now."""
    title = cards.escape(cards.truncate(mark.title, 200))
    on = reading.is_on(mark, kind)
    key = {("read", True): "reading.marked_read", ("read", False): "reading.unmarked_read"}.get(
        (kind, on), "reading.saved" if on else "reading.unsaved"
    )
    return notice(t(lang, key, title=title) + "\n" + t(lang, "reading.again"))


def progress_reply(
    library: Library, marks: Sequence[Mark], section: str | None, lang: str
) -> Reply:
    """/progress: read and saved papers per section (or in one), with bars, to the reader."""
    catalogue = library.catalogue
    chosen: Section | None = None
    if section and section.strip():
        found = rank_sections(catalogue, section, 1)
        if not found:
            return unknown_section(library, section, lang)
        chosen = found[0]
    rows = reading.progress(catalogue, marks, chosen.slug if chosen else None)
    lines = [
        t(
            lang,
            "progress.line",
            bar=reading.bar(r.read, r.total),
            section=cards.escape(section_name(r.section, lang)),
            read=r.read,
            total=r.total,
        )
        + (" · " + t(lang, "progress.saved", n=r.saved) if r.saved else "")
        for r in rows
    ]
    read, saved, total = reading.totals(catalogue, marks)
    embed = discord.Embed(
        title=t(lang, "progress.title"),
        description=_fit_lines(lines, cards.DESCRIPTION_LIMIT, lang),
        colour=cards.COLOUR,
    )
    if chosen is None:
        embed.set_footer(
            text=t(lang, "progress.total", read=read, total=total, saved=saved)
            + ("" if marks else " · " + t(lang, "progress.how"))
        )
    return Reply(embeds=(embed,), ephemeral=True)


def _fit_lines(lines: Sequence[str], limit: int, lang: str) -> str:
    """As many lines as fit in `limit` characters, and how many did not."""
    kept: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        more = t(lang, "progress.more", n=len(lines) - n)
        if used + len(line) + 1 + len(more) > limit:
            return "\n".join([*kept, more])
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept) or "—"


def next_reply(library: Library, marks: Sequence[Mark], section: str | None, lang: str) -> Reply:
    """/next: the first paper in the curator's order the reader has not read, as a card for
    them alone."""
    chosen: Section | None = None
    if section and section.strip():
        found = rank_sections(library.catalogue, section, 1)
        if not found:
            return unknown_section(library, section, lang)
        chosen = found[0]
    paper = reading.next_unread(library.catalogue, marks, chosen)
    if paper is None:
        if chosen is not None:
            return notice(t(lang, "next.done_section", section=cards.escape(chosen.name)))
        return notice(t(lang, "next.done"))
    card = paper_card(
        library,
        paper,
        section=chosen.slug if chosen else None,
        heading=t(lang, "next.heading"),
        lang=lang,
    )
    return replace(card, ephemeral=True)


def reading_list_reply(
    library: Library, marks: Sequence[Mark], page: int, reader: int, lang: str
) -> Reply:
    """/reading list: the reader's read and saved papers, 10 a page, papers no longer listed
    last and marked so, with page buttons and a menu to open the listed ones."""
    entries = reading.history(library.catalogue, marks)
    if not entries:
        return notice(t(lang, "reading.empty"))
    shown, page, pages, start = _page_of(entries, page, READING_PAGE)
    lines = []
    for n, entry in enumerate(shown, start + 1):
        mark = entry.mark
        states = []
        if mark.read_at:
            states.append(t(lang, "reading.read_on", date=mark.read_at.date().isoformat()))
        if mark.saved_at:
            states.append(t(lang, "reading.saved_on", date=mark.saved_at.date().isoformat()))
        if not entry.listed:
            states.append(t(lang, "reading.unlisted"))
        title = cards.escape(cards.truncate(mark.title, 150))
        year = f" ({entry.paper.year})" if entry.paper and entry.paper.year else ""
        lines.append(f"**{n}.** {title}{year}\n  {' · '.join(states)}")
    footer = t(lang, "reading.footer", page=page + 1, pages=pages, n=len(entries))
    embed = _listing(t(lang, "reading.title"), lines, footer)
    buttons = _page_buttons(lambda n: f"{MINE}:{n}:{reader}", page, pages, lang)
    listed = [e.paper for e in shown if e.paper is not None]
    menu = _paper_menu(listed, t(lang, "menu.from_page")) if listed else None
    return Reply(
        embeds=(embed,),
        buttons=buttons,
        menu=menu,
        ephemeral=True,
        papers=tuple(e.mark.paper_id for e in shown),
    )


def reading_page_turn(
    library: Library, marks: Sequence[Mark], custom_id: str, clicker: int, lang: str
) -> Reply | str:
    """The page of a reader's list a page button leads to (their own list only)."""
    parts = custom_id.split(":")
    if len(parts) != 4 or not parts[2].lstrip("-").isdigit() or not parts[3].isdigit():
        return t(lang, "section.page_invalid")
    if int(parts[3]) != clicker:
        return t(lang, "section.not_yours")
    return reading_list_reply(library, marks, int(parts[2]), clicker, lang)


def export_reply(library: Library, marks: Sequence[Mark], lang: str) -> Reply:
    """/reading export: the reader's list as markdown (in the list's own format) and BibTeX,
    as attachments for them alone."""
    if not any(not m.empty for m in marks):
        return notice(t(lang, "reading.empty"))
    headings = {
        "title": t(lang, "export.title"),
        "read": t(lang, "export.read"),
        "saved": t(lang, "export.saved"),
        "gone": t(lang, "export.gone"),
    }
    markdown = reading.export_markdown(library.catalogue, marks, headings)
    bib = reading.export_bibtex(library.catalogue, marks)
    read, saved, _ = reading.totals(library.catalogue, marks)
    files = [Attachment("reading-list.md", markdown.encode())]
    if bib:
        files.append(Attachment("reading-list.bib", bib.encode()))
    return Reply(
        content=t(lang, "export.done", read=t(lang, "export.read_count", n=read), saved=saved),
        files=tuple(files),
        ephemeral=True,
    )


def forget_prompt(marks: Sequence[Mark], reader: int, lang: str, servers: int = 0) -> Reply:
    """/reading forget: what will be deleted (the marks, and the `servers` whose boards
    count the reader), and the button that deletes it."""
    if not marks and not servers:
        return notice(t(lang, "forget.nothing"))
    return Reply(
        content=t(lang, "forget.confirm", n=len(marks)),
        buttons=((Button(t(lang, "button.forget"), custom_id=f"{FORGET}:{reader}", danger=True),),),
        ephemeral=True,
    )


def forgotten(n: int, lang: str) -> Reply:
    """After /reading forget's confirmation."""
    return notice(t(lang, "forget.done", n=n))


# --- the server board ---------------------------------------------------------------------


def board_reply(
    library: Library,
    on: bool,
    posts: Sequence[tuple[str, str]],
    reads: Sequence[tuple[str, int, bool]],
    page: int,
    asker: int,
    lang: str,
) -> Reply:
    """/progress server:True: how many of the server's readers read each paper of the week
    (newest first, 10 a page), with the names (mentions, which ping nobody in an embed) of
    those who chose to show them; to the asker alone. `on`: a manager turned the board on
    (else the reply says who can)."""
    if not on:
        return board_off(lang)
    lines = reading.board(library.catalogue, posts, reads)
    if not lines:
        return notice(t(lang, "board.empty"))
    shown, page, pages, start = _page_of(lines, page, BOARD_PAGE)
    rows = []
    for n, line in enumerate(shown, start + 1):
        title = cards.escape(cards.truncate(line.title, 150))
        gone = " · " + t(lang, "reading.unlisted") if not line.listed else ""
        rows.append(f"**{n}.** {title}{gone}\n  {_read_by(line.readers, lang)}")
        if line.named:
            names = ", ".join(f"<@{user}>" for user in line.named[:BOARD_NAMES])
            more = len(line.named) - BOARD_NAMES
            if more > 0:
                names += " " + t(lang, "board.more_names", n=more)
            rows.append(f"  {names}")
    footer = t(lang, "board.footer", page=page + 1, pages=pages, n=len(lines))
    embed = _listing(t(lang, "board.title"), rows, footer)
    buttons = _page_buttons(lambda k: f"{BOARD}:{k}:{asker}", page, pages, lang)
    return Reply(
        embeds=(embed,),
        buttons=buttons,
        ephemeral=True,
        papers=tuple(line.paper_id for line in shown),
    )


def _read_by(readers: int, lang: str) -> str:
    if readers == 0:
        return t(lang, "board.read_by_none")
    return t(lang, "board.read_by_one") if readers == 1 else t(lang, "board.read_by", n=readers)


def board_page(custom_id: str, clicker: int, lang: str) -> int | str:
    """The page of the board a page button turns to, or why it does not (not the clicker's
    board, or a damaged id)."""
    parts = custom_id.split(":")
    if len(parts) != 4 or not parts[2].lstrip("-").isdigit() or not parts[3].isdigit():
        return t(lang, "section.page_invalid")
    if int(parts[3]) != clicker:
        return t(lang, "section.not_yours")
    return int(parts[2])


def board_off(lang: str) -> Reply:
    """/progress server:True where no manager turned the board on."""
    return notice(t(lang, "board.off"))


def board_server_only(lang: str) -> Reply:
    """/progress server:True or /reading share outside a server with the bot (a DM, or a
    user install in a server the bot is not in)."""
    return notice(t(lang, "board.server_only"))


def share_reply(share: bool, board_on: bool, lang: str) -> Reply:
    """/reading share: the reader's name shown on this server's board, or not any more."""
    text = t(lang, "share.on" if share else "share.off")
    if not board_on:
        text += "\n" + t(lang, "share.board_off")
    return notice(text)
