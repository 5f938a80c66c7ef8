"""Hypothesis strategies for papers and sections with every kind of hostile text."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.metadata.models import Facts, PaperMetadata
from bot.models import Paper, Section

TOKENS = st.sampled_from(
    [
        "@everyone",
        "@here",
        "@EVERYONE",
        "<@1>",
        "<@!123456789012345678>",
        "<@&1>",
        "<#1>",
        "</paper:1>",
        "**",
        "__",
        "*",
        "_",
        "~~",
        "||",
        "`",
        "```",
        "> ",
        ">>> ",
        "# ",
        "-# ",
        "- ",
        "1. ",
        "[x](https://e.com)",
        "](",
        "\\",
        "\\\\",
        "\n",
        "\r\n",
        "\t",
        "\x00",
        "\u200b",
        "\u200d",
        "\u200f",
        "\u202e",
        "\ufeff",
        "🧪",
        "👩\u200d🔬",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "עברית",
        "العربية",
        "中文",
        " ",
        "{",
        "}",
        "%&$#^~",
        ", ",
        " and ",
        "et al.",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=20), TOKENS), max_size=12).map("".join)


def long_text(max_chars: int, max_repeat: int) -> st.SearchStrategy[str]:
    """Text up to `max_chars`: a generated piece repeated, so long inputs stay cheap to draw."""
    repeated = st.tuples(TEXT, st.integers(1, max_repeat)).map(lambda t: (t[0] * t[1])[:max_chars])
    return st.one_of(TEXT, repeated)


URL = st.one_of(
    st.sampled_from(
        [
            "https://arxiv.org/abs/2305.13048",
            "http://example.org/a_(b)_[c]/*x*",
            "https://example.org/@everyone",
            "HTTPS://EXAMPLE.ORG/Ä ö",
            "https://[::1]:8080/x",
            "https://example.org:99999/",
            "https://exa mple.org/",
            "https://",
            "//example.org/x",
            "ftp://example.org/x.pdf",
            "javascript:alert(1)",
            "mailto:a@b.org",
            "",
        ]
    ),
    st.integers(1900, 3100).map(lambda n: "https://example.org/" + "a" * n),
    TEXT.map(lambda s: "https://example.org/" + s),
    TEXT,
)
AUTHORS = st.one_of(
    st.lists(TEXT, max_size=10).map(tuple),
    st.tuples(long_text(200, 20), st.integers(0, 300)).map(
        lambda t: tuple(f"{t[0]} {i}" for i in range(t[1]))
    ),
)
SECTION = st.builds(
    Section,
    slug=TEXT,
    heading=long_text(600, 30),
    name=long_text(600, 30),
    chapter=TEXT,
)


@st.composite
def papers(draw: st.DrawFn, sections: list[Section] | None = None) -> Paper:
    return Paper(
        id=draw(long_text(300, 20)),
        title=draw(long_text(2000, 100)),
        authors=draw(AUTHORS),
        et_al=draw(st.booleans()),
        venue=draw(long_text(1000, 50)),
        year=draw(st.none() | st.integers(-9999, 99999)),
        pdf=draw(st.none() | URL),
        code=draw(st.none() | URL),
        links=tuple(draw(st.lists(URL, max_size=30))),
        arxiv_id=draw(st.none() | st.just("2305.13048") | TEXT),
        sections=tuple(s.slug for s in sections or ()),
    )


@st.composite
def papers_with_sections(draw: st.DrawFn) -> tuple[Paper, list[Section]]:
    sections = draw(st.lists(SECTION, max_size=30))
    return draw(papers(sections)), sections


PROPERTY = settings(
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def metadata(draw: st.DrawFn, paper_id: str = "x") -> PaperMetadata:
    """Metadata with hostile text in every field, from either source or both."""

    def facts() -> Facts:
        return Facts(
            title=draw(long_text(2000, 100)),
            authors=draw(AUTHORS),
            abstract=draw(long_text(8000, 400)),
            tldr=draw(long_text(1000, 50)),
            year=draw(st.none() | st.integers(-9999, 99999)),
            venue=draw(long_text(1000, 50)),
            journal_ref=draw(long_text(500, 20)),
            doi=draw(TEXT),
            citation_count=draw(st.none() | st.integers(0, 10**9)),
            open_access_pdf=draw(URL),
        )

    arxiv = facts() if draw(st.booleans()) else None
    scholar = facts() if draw(st.booleans()) else None
    return PaperMetadata(paper_id, arxiv, scholar)
