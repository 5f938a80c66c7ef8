"""Catalogue models -> discord.Embed, always within Discord's limits.

Pure: no I/O, no event loop, no discord.ext. Text from the list or a user reaches an embed only
through `escape` (places where Discord renders markdown) or `_plain` (footer and author name,
which Discord shows verbatim), and then `truncate`, so no paper, however long or odd its text,
can produce an embed that Discord rejects; `embed_errors` checks exactly that.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

import discord

from bot.i18n import t
from bot.models import Paper, Section

__all__ = [
    "AUTHOR_NAME_LIMIT",
    "BUTTON_URL_LIMIT",
    "COLOUR",
    "DESCRIPTION_LIMIT",
    "EMBEDS_PER_MESSAGE",
    "FIELDS_LIMIT",
    "FIELD_NAME_LIMIT",
    "FIELD_VALUE_LIMIT",
    "FOOTER_LIMIT",
    "MAX_PER_PAGE",
    "MESSAGE_EMBEDS_LIMIT",
    "TITLE_LIMIT",
    "URL_LIMIT",
    "citation",
    "citation_card",
    "embed_errors",
    "escape",
    "message_errors",
    "paper_card",
    "section_pages",
    "truncate",
    "web_url",
]

# Discord's limits (HTTP 400, code 50035 when broken; discord.py checks none of them).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_NAME_LIMIT = 256
MESSAGE_EMBEDS_LIMIT = 6000  # characters across all embeds of one message
EMBEDS_PER_MESSAGE = 10
URL_LIMIT = 2048  # embed URLs
BUTTON_URL_LIMIT = 512  # a link button's URL

MAX_PER_PAGE = 25  # papers on one page of a section listing
COLOUR = discord.Colour(0x4E79A7)
ELLIPSIS = "…"

# Budgets of the paper card, well inside the limits: a card is at most about 3,600 characters.
_AUTHORS_SHOWN = 6  # names before "et al."
_AUTHORS_CHARS = 300
_NAME_CHARS = 100  # one author
_VENUE_CHARS = 200
_SECTION_LINE_CHARS = 200
_ARXIV_CHARS = 100
_FOOTER_CHARS = 300
_LISTING_TITLE_CHARS = 200  # a title in a section listing

_ZWSP = "\u200b"
# Format characters that scripts and emoji need: joiners, direction marks. Every other format
# character (zero-width space, BOM, bidi overrides and isolates, soft hyphen...) is removed.
_KEPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c")
_EMOJI_TAGS = ("\U000e0020", "\U000e007f")  # flag sequences such as England's
# Brackets are swapped for these control characters (which cleaning has removed from the text)
# while discord.py escapes the rest: its masked-link rule would otherwise swallow `[...](...)`
# whole, escaping only the first `[` and nothing inside.
_OPEN, _CLOSE = "\x00", "\x01"
_ORDERED_ITEM = re.compile(r"^(\d+)([.)])(?=\s|$)", re.MULTILINE)  # "1. x" starts a list
_PLUS_ITEM = re.compile(r"^\+(?=\s)", re.MULTILINE)
# A zero-width space after "@" keeps @everyone/@here (and, behind the escaped "<", <@1> and
# <@&1>) from rendering as mentions.
_MENTION_AT = re.compile(r"@(?=everyone|here)|(?<=<)@", re.IGNORECASE)
_PLAIN_MENTION = re.compile(r"@(?=everyone|here)|<(?=[@#])", re.IGNORECASE)
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?")
# Kept as they are in a URL (RFC 3986 reserved and unreserved, and "%" of existing escapes);
# everything else (non-ASCII, quotes, braces, backslash...) is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


def escape(text: str, *, multiline: bool = False) -> str:
    """Text from the catalogue or a user made safe to show where Discord renders markdown.

    Markdown is escaped (discord.py's `escape_markdown`, plus every bracket, "<", and the list
    markers it misses), mentions cannot render, control and invisible characters are removed,
    and whitespace is collapsed: to single spaces, or per line when `multiline`.
    Escaped characters render as themselves, so the text reads as it was written.
    """
    text = _clean(text, multiline=multiline)
    if "\n" in text:  # one line at a time: escape_markdown's `^\s*-` spans blank lines
        return "\n".join(map(escape, text.split("\n")))
    text = text.replace("[", _OPEN).replace("]", _CLOSE)
    text = discord.utils.escape_markdown(text, ignore_links=False)
    text = text.replace(_OPEN, "\\[").replace(_CLOSE, "\\]").replace("<", "\\<")
    text = _PLUS_ITEM.sub(r"\\+", _ORDERED_ITEM.sub(r"\1\\\2", text))
    return _MENTION_AT.sub("@" + _ZWSP, text)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters: cut at a word boundary where possible, ending in "…".

    A cut never leaves a dangling escape backslash, so truncating escaped text is safe.
    """
    if limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    if len(text) <= limit:
        return text
    if limit == 0:
        return ""
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= (limit - 1) * 2 // 3:  # a word boundary that keeps most of the text
        head = head[:space]
    return _tidy_end(head) + ELLIPSIS


def paper_card(
    paper: Paper, sections: Sequence[Section], *, heading: str | None = None, lang: str = "en"
) -> discord.Embed:
    """The card of one paper: title linked to the paper, authors, venue, sections and links.

    `sections` are the Section objects of `paper.sections`, in order; `heading` (such as
    "Paper of the week") is shown above the title.
    """
    url = next(filter(None, map(web_url, (paper.pdf, paper.arxiv_url, paper.code))), None)
    embed = discord.Embed(
        title=_title(paper.title, t(lang, "card.untitled")),
        url=url,
        description="\n".join(filter(None, (_authors(paper), _venue_year(paper)))) or None,
        colour=COLOUR,
    )
    listed = [_section_line(section, lang) for section in sections]
    if listed:
        embed.add_field(
            name=t(lang, "card.listed_in"), value=_pack(listed, "\n", lang=lang), inline=False
        )
    links = _links(paper, lang)
    if links:
        embed.add_field(
            name=t(lang, "card.links"), value=_pack(links, " · ", lang=lang), inline=False
        )
    arxiv = truncate(escape(paper.arxiv_id or ""), _ARXIV_CHARS)
    if arxiv:
        embed.add_field(name="arXiv", value=arxiv, inline=False)
    if _clean(paper.id):
        embed.set_footer(text=truncate(_plain(f"id: {paper.id}"), _FOOTER_CHARS))
    author = truncate(_plain(heading or ""), AUTHOR_NAME_LIMIT)
    if author:
        embed.set_author(name=author)
    return embed


def section_pages(
    section: Section, papers: Sequence[Paper], *, per_page: int = 10, lang: str = "en"
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
        embed.set_footer(text=truncate(_plain(footer), FOOTER_LIMIT))
        embeds.append(embed)
    return embeds


# Venues that are not a publication venue at all give @misc.
_MISC_VENUES = frozenset({"", "arxiv", "corr", "online", "github", "book"})
# A venue with one of these words is a journal (@article); any other is a conference.
_JOURNAL_WORDS = frozenset(
    {
        "journal",
        "transactions",
        "transaction",
        "computation",
        "computing",
        "letters",
        "review",
        "magazine",
        "communications",
        "frontiers",
        "trends",
        "nature",
        "nat",
        "jmlr",
        "tacl",
        "tmlr",
        "tpami",
        "jasa",
    }
)
_KEY_STOPWORDS = frozenset(
    "a an the on of in for to and with at by from via is are do does can how what why when"
    " towards toward".split()
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# BibTeX counts every brace, escaped or not, so braces become brace-balanced commands.
_BIB_SPECIALS = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def citation(paper: Paper) -> str:
    """A BibTeX entry built from the list's own fields; valid BibTeX for any paper.

    The entry type follows the venue: @misc for arXiv, Online, GitHub, BOOK or none;
    @article when the venue has a journal word (Journal, Transactions, Computation,
    Computing, Letters, Review, ... or JMLR, TACL, TPAMI ...); else @inproceedings.
    The key is surname + year + first significant title word, as in `vaswani2017attention`.
    """
    return _bibtex(paper)


def citation_card(paper: Paper, lang: str = "en") -> discord.Embed:
    """The paper's BibTeX in a code block; a too-long entry is rebuilt shorter, still valid."""
    fence_chars = len("```bibtex\n\n```")
    bib = _code_safe(citation(paper))
    shortened = len(bib) + fence_chars > DESCRIPTION_LIMIT
    if shortened:
        for max_authors, text_chars in _SHORTER_CITATIONS:
            bib = _code_safe(_bibtex(paper, max_authors=max_authors, text_chars=text_chars))
            if len(bib) + fence_chars <= DESCRIPTION_LIMIT:
                break
    note = t(lang, "cite.shortened") if shortened else t(lang, "cite.note")
    embed = discord.Embed(
        title=truncate(
            t(lang, "cite.title", title=escape(paper.title) or t(lang, "card.untitled")),
            TITLE_LIMIT,
        ),
        url=next(filter(None, map(web_url, (paper.pdf, paper.arxiv_url))), None),
        description=f"```bibtex\n{bib}\n```",
        colour=COLOUR,
    )
    embed.set_footer(text=truncate(_plain(f"{note} · id: {paper.id}"), _FOOTER_CHARS))
    return embed


def embed_errors(embed: discord.Embed) -> list[str]:
    """The ways `embed` breaks Discord's limits, alone in a message (empty when it is fine)."""
    data = embed.to_dict()
    errors = _too_long("title", data.get("title"), TITLE_LIMIT)
    errors += _too_long("description", data.get("description"), DESCRIPTION_LIMIT)
    errors += _too_long("footer.text", data.get("footer", {}).get("text"), FOOTER_LIMIT)
    errors += _too_long("author.name", data.get("author", {}).get("name"), AUTHOR_NAME_LIMIT)
    fields = data.get("fields", [])
    if len(fields) > FIELDS_LIMIT:
        errors.append(f"fields: {len(fields)} fields, more than {FIELDS_LIMIT}")
    for index, field in enumerate(fields):
        parts = (
            ("name", field.get("name", ""), FIELD_NAME_LIMIT),
            ("value", field.get("value", ""), FIELD_VALUE_LIMIT),
        )
        for part, text, limit in parts:
            if not text.strip():
                errors.append(f"fields.{index}.{part}: empty")
            errors += _too_long(f"fields.{index}.{part}", text, limit)
    for where, url in (("url", data.get("url")), ("author.url", data.get("author", {}).get("url"))):
        if url is not None and web_url(url) != url:
            errors.append(f"{where}: not an http(s) URL of at most {URL_LIMIT} characters")
    if len(embed) > MESSAGE_EMBEDS_LIMIT:
        errors.append(f"embed: {len(embed)} characters, more than {MESSAGE_EMBEDS_LIMIT}")
    if not len(embed) and not any(key in data for key in ("image", "thumbnail", "video")):
        errors.append("embed: empty")
    return errors


def message_errors(embeds: Sequence[discord.Embed]) -> list[str]:
    """The ways one message carrying `embeds` breaks Discord's limits (empty when fine)."""
    errors = [
        f"embeds.{i}.{error}" for i, embed in enumerate(embeds) for error in embed_errors(embed)
    ]
    if len(embeds) > EMBEDS_PER_MESSAGE:
        errors.append(f"embeds: {len(embeds)} embeds, more than {EMBEDS_PER_MESSAGE}")
    total = sum(map(len, embeds))
    if total > MESSAGE_EMBEDS_LIMIT:
        errors.append(f"embeds: {total} characters together, more than {MESSAGE_EMBEDS_LIMIT}")
    return errors


# --- text -------------------------------------------------------------------------------------


def _clean(text: str, *, multiline: bool = False) -> str:
    """Without control and invisible characters; whitespace collapsed (per line if multiline)."""
    if not (text.isascii() and text.isprintable()):
        text = "".join(c for c in text if c.isspace() or _visible(c))
    if multiline:
        lines = (" ".join(line.split()) for line in text.splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return " ".join(text.split())


def _visible(character: str) -> bool:
    category = unicodedata.category(character)
    if category == "Cf":
        return character in _KEPT_FORMAT or _EMOJI_TAGS[0] <= character <= _EMOJI_TAGS[1]
    return category not in ("Cc", "Cs")


def _plain(text: str) -> str:
    """Text for places Discord shows verbatim (footer, author name): cleaned, no mentions."""
    return _PLAIN_MENTION.sub(r"\g<0>" + _ZWSP, _clean(text))


def _tidy_end(text: str) -> str:
    """`text` without trailing spaces, separators, joiners or an unpaired escape backslash."""
    while True:
        text = text.rstrip(" ,;:·\u200d")
        backslashes = len(text) - len(text.rstrip("\\"))
        if backslashes % 2 == 0:
            return text
        text = text[:-1]


def _title(text: str, fallback: str) -> str:
    return truncate(escape(text), TITLE_LIMIT) or fallback


def _pack(
    items: Sequence[str], separator: str, limit: int = FIELD_VALUE_LIMIT, *, lang: str = "en"
) -> str:
    """The items joined, or as many as fit in `limit` and a note of how many were left out."""
    text = separator.join(items)
    if len(text) <= limit:
        return text
    reserve = len(separator) + len(_more(len(items), lang))
    kept: list[str] = []
    size = 0
    for item in items:
        grown = size + (len(separator) if kept else 0) + len(item)
        if grown + reserve <= limit:
            kept.append(item)
            size = grown
    return separator.join([*kept, _more(len(items) - len(kept))])


def _more(count: int, lang: str = "en") -> str:
    return t(lang, "card.more", n=count)


# --- paper card -------------------------------------------------------------------------------


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


def _venue_year(paper: Paper) -> str:
    venue = truncate(escape(paper.venue), _VENUE_CHARS)
    return " · ".join(filter(None, (venue, _year(paper))))


def _year(paper: Paper) -> str:
    """The year, where it is one (a number from 1 to 9999)."""
    return str(paper.year) if paper.year is not None and 0 < paper.year < 10_000 else ""


def _section_line(section: Section, lang: str = "en") -> str:
    name = escape(section.name) or escape(section.slug)
    heading = escape(section.heading)
    first, second = (heading, name) if lang == "zh" and heading else (name, heading)
    line = f"{first} ({second})" if second and second != first else first
    return truncate(line, _SECTION_LINE_CHARS) or t(lang, "section.untitled")


def _links(paper: Paper, lang: str = "en") -> list[str]:
    """Markdown links to the paper: PDF, code, arXiv abstract, then the list's further links."""
    abstract = web_url(paper.arxiv_url)
    labelled = [
        (t(lang, "card.pdf"), paper.pdf),
        (t(lang, "card.code"), paper.code),
        (t(lang, "card.abstract"), paper.arxiv_url),
    ]
    labelled += [("", link) for link in paper.links]
    seen: set[str] = set()
    links: list[str] = []
    further = 1
    for label, raw in labelled:
        url = web_url(raw)
        if url is None or url in seen:
            continue
        seen.add(url)
        if url == abstract:  # a "PDF" link that is the abstract page says so
            label = t(lang, "card.abstract")
        elif not label:
            further += 1
            label = t(lang, "card.link_n", n=further)
        links.append(f"[{label}]({url.replace('(', '%28').replace(')', '%29')})")
    return links


def web_url(url: str | None, limit: int = URL_LIMIT) -> str | None:
    """`url` as Discord accepts it (http(s), a host, at most `limit` characters: 2,048 in
    an embed, `BUTTON_URL_LIMIT` on a link button), or None."""
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if not (_HOST.fullmatch(host) or (":" in host and re.fullmatch(r"[0-9a-f:.]+", host))):
        return None
    url = quote(url, safe=_URL_SAFE)
    return url if len(url) <= limit else None


# --- section pages ----------------------------------------------------------------------------


def _listing_line(number: int, paper: Paper, chars: int, lang: str = "en") -> str:
    prefix = f"**{number}.** "
    suffix = f" ({_year(paper)})" if _year(paper) else ""
    room = max(min(_LISTING_TITLE_CHARS, chars - len(prefix) - len(suffix)), 1)
    return prefix + (truncate(escape(paper.title), room) or t(lang, "card.untitled")) + suffix


# --- citations --------------------------------------------------------------------------------

# Ever shorter versions of an entry for the card: (authors kept, characters of each text).
# The last always fits a description: four texts (title, one author, venue, eprint) of 20
# characters, each escaping to at most 16 (\textbackslash{}), a key of at most 64, a URL of at
# most 2048 and about 200 of layout come to under 3,700 characters.
_SHORTER_CITATIONS: tuple[tuple[int, int | None], ...] = ((10, None), (3, 300), (1, 100), (1, 20))
_KEY_PART_CHARS = 30


def _bibtex(paper: Paper, *, max_authors: int | None = None, text_chars: int | None = None) -> str:
    def text(value: str) -> str:
        value = _clean(value)
        return _bib_escape(value if text_chars is None else truncate(value, text_chars))

    venue = _clean(paper.venue)
    words = set(re.findall(r"[a-z]+", venue.casefold()))
    if venue.casefold() in _MISC_VENUES or venue.casefold().startswith("arxiv"):
        kind, venue_field = "misc", ""
    elif words & _JOURNAL_WORDS:
        kind, venue_field = "article", "journal"
    else:
        kind, venue_field = "inproceedings", "booktitle"
    authors = [_bib_name(text(a)) for a in paper.authors if _clean(a)]
    et_al = paper.et_al
    if max_authors is not None and len(authors) > max_authors:
        authors, et_al = authors[:max_authors], True
    if authors and et_al:
        authors.append("others")
    fields = [("title", "{" + text(paper.title) + "}"), ("author", " and ".join(authors))]
    if venue_field:
        fields.append((venue_field, text(venue)))
    fields.append(("year", _year(paper)))
    if paper.arxiv_id and _clean(paper.arxiv_id):
        fields += [("eprint", text(paper.arxiv_id)), ("archivePrefix", "arXiv")]
    fields.append(("url", web_url(paper.pdf) or web_url(paper.arxiv_url) or ""))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{_citation_key(paper)},\n{body}\n}}"


def _bib_escape(text: str) -> str:
    return text.translate(_BIB_SPECIALS)


def _bib_name(name: str) -> str:
    """A name as BibTeX reads it; braced when a comma or "and" would split it wrongly."""
    if "," in name or re.search(r"\band\b", name, re.IGNORECASE) or name.lower() == "others":
        return "{" + name + "}"
    return name


def _citation_key(paper: Paper) -> str:
    surname = ""
    if paper.authors:
        first = _clean(paper.authors[0])
        parts = first.split(",")[0].split() if "," in first else first.split()
        letters = [_ascii_letters(part) for part in parts]
        surname = next((w for w in reversed(letters) if w and w not in _NAME_SUFFIXES), "")
    words = re.findall(r"[a-z]+", _ascii(paper.title).lower())
    word = next((w for w in words if w not in _KEY_STOPWORDS), "")
    return f"{surname[:_KEY_PART_CHARS] or 'anon'}{_year(paper)}{word[:_KEY_PART_CHARS]}"


def _ascii(text: str) -> str:
    """Accents dropped, then anything not ASCII: Jürgen -> Jurgen."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _ascii_letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii(text).lower())


def _code_safe(text: str) -> str:
    """Text for a code block: no ``` fence can close it early, no @everyone can show."""
    return _MENTION_AT.sub("@" + _ZWSP, re.sub(r"`(?=`)", "`" + _ZWSP, text))


def _too_long(where: str, text: str | None, limit: int) -> list[str]:
    if text is not None and len(text) > limit:
        return [f"{where}: {len(text)} characters, more than {limit}"]
    return []
