"""Paper cards, section pages and citations: content on the real list, limits on any input."""

from __future__ import annotations

import re
from dataclasses import replace

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cards import (
    DESCRIPTION_LIMIT,
    TITLE_LIMIT,
    citation,
    citation_card,
    embed_errors,
    escape,
    message_errors,
    paper_card,
    section_pages,
    truncate,
)
from bot.models import Catalogue, Paper, Section

ZWSP = "\u200b"

# --- escape and truncate ----------------------------------------------------------------------

ESCAPE_CASES = [
    # markdown: every character that can start syntax is escaped, so it renders as itself
    ("plain text", "plain text"),
    ("**bold**", r"\*\*bold\*\*"),
    ("*italic*", r"\*italic\*"),
    ("_italic_", r"\_italic\_"),
    ("__underline__", r"\_\_underline\_\_"),
    ("~~strike~~", r"\~\~strike\~\~"),
    ("||spoiler||", r"\|\|spoiler\|\|"),
    ("`code`", r"\`code\`"),
    ("```py\nprint(1)\n```", r"\`\`\`py print(1) \`\`\`"),
    ("# heading", r"\# heading"),
    ("### heading", r"\### heading"),
    ("-# subtext", r"\-# subtext"),
    ("- item", r"\- item"),
    ("+ item", r"\+ item"),
    ("1. item", r"1\. item"),
    ("2305.13048", "2305.13048"),
    ("> quote", r"\> quote"),
    (">>> quote", r"\>>> quote"),
    ("a > b", "a > b"),
    (r"back\slash", r"back\\slash"),
    ("90%* ChatGPT", r"90%\* ChatGPT"),
    ("Ball*-tree", r"Ball\*-tree"),
    # masked links: every bracket escaped, also inside and after the first link
    ("[PDF](https://evil.example)", r"\[PDF\](https://evil.example)"),
    ("[a](x) and [b](y)", r"\[a\](x) and \[b\](y)"),
    ("[**x**](y)", r"\[\*\*x\*\*\](y)"),
    ("https://x.org/a_b", r"https://x.org/a\_b"),
    # mentions: a zero-width space after "@", an escaped "<"
    ("@everyone", f"@{ZWSP}everyone"),
    ("@here now", f"@{ZWSP}here now"),
    ("hi @EVERYONE", f"hi @{ZWSP}EVERYONE"),
    ("<@1>", f"\\<@{ZWSP}1>"),
    ("<@!1>", f"\\<@{ZWSP}!1>"),
    ("<@&1>", f"\\<@{ZWSP}&1>"),
    ("<#1>", r"\<#1>"),
    ("</paper:1>", r"\</paper:1>"),
    ("<:emoji:1>", r"\<:emoji:1>"),
    ("<t:1700000000:R>", r"\<t:1700000000:R>"),
    ("a@b.org", "a@b.org"),
    # control and invisible characters removed; the ones scripts and emoji need kept
    ("a\x00b\x07c\x7fd", "abcd"),
    ("zero\u200bwidth\ufeff\u2060", "zerowidth"),
    ("@\u200beveryone", f"@{ZWSP}everyone"),
    ("@every\u200bone", f"@{ZWSP}everyone"),
    ("\u202eevil\u202c", "evil"),
    ("soft\u00adhyphen", "softhyphen"),
    ("👩\u200d🔬 science", "👩\u200d🔬 science"),
    ("\u200fשלום", "\u200fשלום"),
    # whitespace collapsed to one line
    ("line 1\nline 2\r\n\tline 3", "line 1 line 2 line 3"),
    ("  padded  ", "padded"),
    ("a\u2028b", "a b"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), ESCAPE_CASES)
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n\n\n\n- b\n  # c", "a\n\n\\- b\n\\# c"),
        ("1. one\n2. two", "1\\. one\n2\\. two"),
        ("x\n> @here", f"x\n\\> @{ZWSP}here"),
    ],
)
def test_escape_multiline_keeps_lines(text: str, expected: str) -> None:
    assert escape(text, multiline=True) == expected


TRUNCATE_CASES = [
    ("short", 10, "short"),
    ("exactly 10", 10, "exactly 10"),
    ("", 0, ""),
    ("anything", 0, ""),
    ("abc", 1, "…"),
    ("Attention is all you need", 20, "Attention is all…"),
    ("Attention is all you need", 12, "Attention…"),
    ("Supercalifragilistic", 10, "Supercali…"),  # no boundary: a hard cut
    ("a verylongwordthatgoesonandon", 20, "a verylongwordthatg…"),  # boundary too far back
    ("Bo Peng, Eric Alcaide, Quentin", 24, "Bo Peng, Eric Alcaide…"),
    (r"escaped \*\*", 10, r"escaped…"),
    (r"ab\*cd", 4, "ab…"),  # never "ab\…"
    (r"a\\bc", 4, r"a\\…"),  # an escaped backslash is a pair, kept whole
    ("中文标题没有空格", 5, "中文标题…"),
]


@pytest.mark.parametrize(("text", "limit", "expected"), TRUNCATE_CASES)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


def test_truncate_rejects_negative_limit() -> None:
    with pytest.raises(ValueError, match="negative"):
        truncate("x", -1)


@settings(deadline=None, max_examples=200)
@given(st.text(), st.integers(0, 300))
def test_truncate_escaped_text_fits_and_keeps_escapes_whole(text: str, limit: int) -> None:
    escaped = escape(text)
    cut = truncate(escaped, limit)
    assert len(cut) <= limit
    assert cut == escaped or cut == "" or cut.endswith("…")
    body = cut.removesuffix("…")
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0  # no dangling escape
    assert escaped.startswith(body)


# --- paper cards on the real list -------------------------------------------------------------


def card(full: Catalogue, paper_id: str, heading: str | None = None) -> discord.Embed:
    paper = full.paper(paper_id)
    assert paper is not None
    sections = [s for s in map(full.section, paper.sections) if s is not None]
    return paper_card(paper, sections, heading=heading)


def fields(embed: discord.Embed) -> dict[str, str]:
    return {field.name or "": field.value or "" for field in embed.fields}


def test_rwkv_card(full: Catalogue) -> None:
    embed = card(full, "2305.13048")
    assert embed.title == "RWKV: Reinventing RNNs for the Transformer Era"
    assert embed.url == "https://arxiv.org/abs/2305.13048"
    assert embed.description == (
        "Bo Peng, Eric Alcaide, Quentin Anthony, Alon Albalak, Samuel Arcadinho, Stella Biderman"
        " et al.\nEMNLP · 2023"
    )
    assert fields(embed) == {
        "Listed in": "Non-Transformer architectures (非 Transformer 架构)",
        # the list's "PDF" is the abstract page, and is labelled so
        "Links": "[arXiv abstract](https://arxiv.org/abs/2305.13048)"
        " · [Code](https://github.com/BlinkDL/RWKV-LM)",
        "arXiv": "2305.13048",
    }
    assert embed.footer.text == "id: 2305.13048"
    assert embed.author.name is None
    assert embed_errors(embed) == []


def test_attention_card(full: Catalogue) -> None:
    embed = card(full, "1706.03762", heading="Paper of the week")
    assert embed.title == "Attention is all you need"
    assert embed.url == "https://arxiv.org/pdf/1706.03762"
    assert embed.author.name == "Paper of the week"
    authors, venue = (embed.description or "").split("\n")
    assert authors == (
        "Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N Gomez"
        " et al."
    )
    assert venue == "NeurIPS · 2017"
    assert fields(embed)["Links"] == (
        "[PDF](https://arxiv.org/pdf/1706.03762) · [arXiv abstract](https://arxiv.org/abs/1706.03762)"
    )
    assert fields(embed)["Listed in"] == "Overview of LLM architectures (大语言模型架构概览)"
    assert embed.footer.text == "id: 1706.03762"


def test_lstm_card_two_sections_and_an_extra_link(full: Catalogue) -> None:
    embed = card(full, "long-short-term-memory")
    assert embed.title == "Long Short-Term Memory"
    assert embed.url == "https://deeplearning.cs.cmu.edu/F23/document/readings/LSTM.pdf"
    assert embed.description == "Sepp Hochreiter, Jürgen Schmidhuber\nNeural Computing · 1997"
    assert fields(embed) == {
        "Listed in": "RNN-based language models (基于 RNN 的语言模型)\nIn-context learning (上下文学习)",
        "Links": "[PDF](https://deeplearning.cs.cmu.edu/F23/document/readings/LSTM.pdf)"
        " · [Code](https://github.com/topics/long-short-term-memory)"
        " · [link 2](https://www.bioinf.jku.at/publications/older/2604.pdf)",
    }  # no arXiv field: the paper has no arXiv id
    assert embed.footer.text == "id: long-short-term-memory"


def test_et_al_from_the_list_itself(full: Catalogue) -> None:
    paper = full.paper("2407.04620")
    assert paper is not None and paper.et_al and len(paper.authors) == 10
    embed = card(full, "2407.04620")
    assert (embed.description or "").startswith("Yu Sun, Xinhao Li, Karan Dalal,")
    assert (embed.description or "").split("\n")[0].endswith(" et al.")


def test_short_author_list_is_whole(full: Catalogue) -> None:
    embed = card(full, "2202.05262")  # ROME: four authors, three sections, two further links
    assert (embed.description or "").split("\n")[0] == (
        "Kevin Meng, David Bau, Alex Andonian, Yonatan Belinkov"
    )
    assert fields(embed)["Listed in"].count("\n") == 2
    assert "[link 2](" in fields(embed)["Links"]
    assert "[link 3](" in fields(embed)["Links"]


def test_markdown_in_a_real_title_is_escaped(full: Catalogue) -> None:
    embed = card(full, "vicuna-an-open-source-chatbot-impressing-gpt-4-with-1a578522")
    assert (
        embed.title == r"Vicuna: An Open-Source Chatbot Impressing GPT-4 with 90%\* ChatGPT Quality"
    )


def test_parentheses_in_a_link_are_encoded(full: Catalogue) -> None:
    paper = next(p for p in full.papers if p.pdf and "(02)" in p.pdf)
    embed = paper_card(paper, [])
    assert embed.url == "https://doi.org/10.1016/S0306-4573(02)00021-3"
    assert fields(embed)["Links"] == "[PDF](https://doi.org/10.1016/S0306-4573%2802%2900021-3)"


@pytest.mark.parametrize("which", ["full", "chapter"])
def test_every_real_card_and_page_fits(which: str, request: pytest.FixtureRequest) -> None:
    catalogue: Catalogue = request.getfixturevalue(which)
    for paper in catalogue.papers:
        sections = [s for s in map(catalogue.section, paper.sections) if s is not None]
        assert message_errors([paper_card(paper, sections)]) == [], paper.id
        assert message_errors([citation_card(paper)]) == [], paper.id
        assert is_valid_bibtex(citation(paper)), paper.id
    for section in catalogue.sections:
        listed = [p for p in map(catalogue.paper, section.paper_ids) if p is not None]
        for page in section_pages(section, listed):
            assert message_errors([page]) == [], section.slug


def test_card_urls_fall_back_and_skip_what_discord_rejects() -> None:
    base = Paper(id="x", title="X", code="https://github.com/x/y")
    assert paper_card(base, []).url == "https://github.com/x/y"
    with_arxiv = replace(base, arxiv_id="2305.13048", pdf="ftp://example.org/x.pdf")
    assert paper_card(with_arxiv, []).url == "https://arxiv.org/abs/2305.13048"
    too_long = replace(base, pdf="https://example.org/" + "a" * 2100, code="javascript:alert(1)")
    embed = paper_card(too_long, [])
    assert embed.url is None
    assert "Links" not in fields(embed)


def test_overlong_fields_say_how_much_was_left_out() -> None:
    links = tuple(f"https://example.org/{i}/{'x' * 80}" for i in range(40))
    sections = [
        Section(slug=f"s{i}", heading=f"标题 {i}" * 10, name=f"Name {i}") for i in range(40)
    ]
    paper = Paper(id="x", title="X", links=links, sections=tuple(s.slug for s in sections))
    embed = paper_card(paper, sections)
    listed, shown_links = fields(embed)["Listed in"], fields(embed)["Links"]
    assert listed.startswith("Name 0 (标题 0标题 0")
    assert re.search(r"\n… and \d+ more$", listed)
    assert shown_links.startswith("[link 2](https://example.org/0/")
    assert re.search(r" · … and \d+ more$", shown_links)
    assert embed_errors(embed) == []


# --- section pages ----------------------------------------------------------------------------


def listing(full: Catalogue, slug: str) -> tuple[Section, list[Paper]]:
    section = full.section(slug)
    assert section is not None
    return section, [p for p in map(full.paper, section.paper_ids) if p is not None]


def test_decoder_only_pages_continue_numbering(full: Catalogue) -> None:
    section, papers = listing(full, "decoder-only")
    assert len(papers) == 20  # 21 numbered entries; the 10th repeats the 9th
    pages = section_pages(section, papers)
    assert len(pages) == 2
    assert all(p.title == "Decoder-only LLMs · 基于 Decoder-only 架构的大语言模型" for p in pages)
    first = (pages[0].description or "").split("\n")
    second = (pages[1].description or "").split("\n")
    assert len(first) == 10 and len(second) == len(papers) - 10
    assert first[0] == "**1.** Improving language understanding by generative pre-training (2018)"
    assert first[9].startswith("**10.** ")
    assert second[0] == "**11.** Llama 2: Open Foundation and Fine-Tuned Chat Models (2023)"
    assert second[-1].startswith(f"**{len(papers)}.** ")
    assert pages[0].footer.text == f"Page 1/2 · {len(papers)} papers · /section decoder-only"
    assert pages[1].footer.text == f"Page 2/2 · {len(papers)} papers · /section decoder-only"
    assert all(embed_errors(page) == [] for page in pages)


def test_non_transformer_page(full: Catalogue) -> None:
    section, papers = listing(full, "non-transformer")
    [page] = section_pages(section, papers)
    assert page.title == "Non-Transformer architectures · 非 Transformer 架构"
    assert (page.description or "").split("\n") == [
        "**1.** Efficiently modeling long sequences with structured state spaces (2021)",
        "**2.** On the Parameterization and Initialization of Diagonal State Space Models (2022)",
        "**3.** RWKV: Reinventing RNNs for the Transformer Era (2023)",
        "**4.** Mamba: Linear-Time Sequence Modeling with Selective State Spaces (2023)",
        "**5.** Learning to (Learn at Test Time): RNNs with Expressive Hidden States (2024)",
    ]
    assert page.footer.text == "Page 1/1 · 5 papers · /section non-transformer"


def test_empty_section_has_one_page_saying_so() -> None:
    section = Section(slug="new", heading="New papers", name="New papers")
    [page] = section_pages(section, [])
    assert page.title == "New papers"  # the heading is not repeated when it is the name
    assert page.description == "No papers are listed in this section yet."
    assert page.footer.text == "Page 1/1 · 0 papers · /section new"
    assert embed_errors(page) == []


def test_per_page_and_singular_count() -> None:
    section = Section(slug="s", heading="S", name="S")
    papers = [Paper(id=str(i), title=f"Paper {i}") for i in range(5)]
    pages = section_pages(section, papers, per_page=2)
    assert [(p.description or "").split("\n")[0] for p in pages] == [
        "**1.** Paper 0",
        "**3.** Paper 2",
        "**5.** Paper 4",
    ]
    assert section_pages(section, papers[:1])[0].footer.text == "Page 1/1 · 1 paper · /section s"
    with pytest.raises(ValueError, match="per_page"):
        section_pages(section, papers, per_page=0)


# --- citations --------------------------------------------------------------------------------

VASWANI = """\
@inproceedings{vaswani2017attention,
  title = {{Attention is all you need}},
  author = {Ashish Vaswani and Noam Shazeer and Niki Parmar and Jakob Uszkoreit and Llion Jones and Aidan N Gomez and Lukasz Kaiser and Illia Polosukhin},
  booktitle = {NeurIPS},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  url = {https://arxiv.org/pdf/1706.03762}
}"""

HOCHREITER = """\
@article{hochreiter1997long,
  title = {{Long Short-Term Memory}},
  author = {Sepp Hochreiter and Jürgen Schmidhuber},
  journal = {Neural Computing},
  year = {1997},
  url = {https://deeplearning.cs.cmu.edu/F23/document/readings/LSTM.pdf}
}"""

TTT = """\
@misc{sun2024learning,
  title = {{Learning to (Learn at Test Time): RNNs with Expressive Hidden States}},
  author = {Yu Sun and Xinhao Li and Karan Dalal and Jiarui Xu and Arjun Vikram and Genghan Zhang and Yann Dubois and Xinlei Chen and Xiaolong Wang and Sanmi Koyejo and others},
  year = {2024},
  eprint = {2407.04620},
  archivePrefix = {arXiv},
  url = {https://arxiv.org/abs/2407.04620}
}"""


@pytest.mark.parametrize(
    ("paper_id", "expected"),
    [("1706.03762", VASWANI), ("long-short-term-memory", HOCHREITER), ("2407.04620", TTT)],
)
def test_citation_golden(full: Catalogue, paper_id: str, expected: str) -> None:
    paper = full.paper(paper_id)
    assert paper is not None
    assert citation(paper) == expected


@pytest.mark.parametrize(
    ("paper_id", "key"),
    [
        ("2305.13048", "@inproceedings{peng2023rwkv,"),
        ("1910.10683", "@article{raffel2019exploring,"),  # JMLR
        ("introducing-chatgpt", "@misc{openai2023introducing,"),  # Online
        ("2112.09332", "@misc{nakano2021webgpt,"),  # arXiv
    ],
)
def test_citation_keys_and_types(full: Catalogue, paper_id: str, key: str) -> None:
    paper = full.paper(paper_id)
    assert paper is not None
    assert citation(paper).startswith(key + "\n")


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        ("", "misc"),
        ("arXiv", "misc"),
        ("arxiv preprint arXiv:2301.00001", "misc"),
        ("Online", "misc"),
        ("ICLR", "inproceedings"),
        ("Findings of EMNLP", "inproceedings"),
        ("Journal of Machine Learning Research", "article"),
        ("Transactions of the Association for Computational Linguistics", "article"),
        ("Neural computation", "article"),
        ("Nat. Mac. Intell.", "article"),
        ("TPAMI", "article"),
    ],
)
def test_citation_entry_type(venue: str, kind: str) -> None:
    assert citation(Paper(id="x", title="X", venue=venue)).startswith(f"@{kind}{{")


def test_citation_escapes_and_keys_odd_input() -> None:
    paper = Paper(
        id="x",
        title="The 100% {braced} R&D of $x_i$ #1 \\ ~^",
        authors=("Élodie Dupont-Durand, Jr.", "Tom and Jerry", "李雷"),
        year=2020,
    )
    bib = citation(paper)
    assert bib.startswith("@misc{dupontdurand2020braced,\n")  # "100" is not a word
    assert (
        r"  title = {{The 100\% \textbraceleft{}braced\textbraceright{} R\&D of \$x\_i\$ \#1"
        r" \textbackslash{} \textasciitilde{}\textasciicircum{}}}," in bib
    )
    assert "  author = {{Élodie Dupont-Durand, Jr.} and {Tom and Jerry} and 李雷}," in bib
    assert is_valid_bibtex(bib)
    assert citation(Paper(id="y", title="")).startswith("@misc{anon,\n")


def test_citation_card_keeps_its_fence() -> None:
    paper = Paper(
        id="big", title="```@everyone```", authors=tuple(f"Author {i}" for i in range(300))
    )
    embed = citation_card(paper)
    text = embed.description or ""
    assert text.startswith("```bibtex\n@misc{author")
    assert text.endswith("\n```")
    assert text.count("```") == 2
    assert "@everyone" not in text
    assert embed.footer.text == "shortened to fit Discord · id: big"
    assert "Author 299" not in text and "and others}" in text
    assert embed.title == f"Cite: \\`\\`\\`@{ZWSP}everyone\\`\\`\\`"


def test_citation_card_worst_case_is_still_valid_bibtex() -> None:
    paper = Paper(
        id="worst",
        title="\\" * 2000,  # each backslash becomes \textbackslash{}: 16 characters
        authors=("{" * 200,) * 300,
        venue="Journal " + "~" * 1000,
        year=2024,
        pdf="https://example.org/" + "a" * 2028,
        arxiv_id="^" * 1000,
    )
    embed = citation_card(paper)
    assert embed_errors(embed) == []
    bib = (embed.description or "").removeprefix("```bibtex\n").removesuffix("\n```")
    assert is_valid_bibtex(bib)
    assert bib.startswith("@article{anon2024,\n")
    assert "and others}" in bib and "https://example.org/aaa" in bib


@pytest.mark.parametrize("year", [None, 0, -5, 10_000])
def test_a_year_that_is_not_one_is_left_out(year: int | None) -> None:
    paper = Paper(id="x", title="T", authors=("A B",), venue="ICML", year=year)
    assert paper_card(paper, []).description == "A B\nICML"
    assert citation(paper).startswith("@inproceedings{bt,\n")
    assert "year" not in citation(paper)
    page = section_pages(Section(slug="s", heading="S", name="S"), [paper])[0]
    assert page.description == "**1.** T"


# --- embed_errors -----------------------------------------------------------------------------


def test_embed_errors_finds_every_kind_of_violation() -> None:
    embed = discord.Embed(title="t" * 257, description="d" * 4097, url="ftp://x")
    embed.set_footer(text="f" * 2049)
    embed.set_author(name="a" * 257)
    for _ in range(26):
        embed.add_field(name="n", value="v")
    embed.add_field(name=" ", value="v" * 1025)
    errors = embed_errors(embed)
    for where in ("title", "description", "footer.text", "author.name", "fields:", "url"):
        assert any(e.startswith(where) for e in errors), where
    assert "fields.26.name: empty" in errors
    assert any(e.startswith("fields.26.value: 1025") for e in errors)
    assert any(e.startswith("embed: ") and "6000" in e for e in errors)
    assert embed_errors(discord.Embed()) == ["embed: empty"]
    assert embed_errors(discord.Embed(title="fine")) == []


def test_message_errors_counts_all_embeds_together() -> None:
    embeds = [discord.Embed(description="d" * 4000) for _ in range(2)]
    assert message_errors(embeds) == ["embeds: 8000 characters together, more than 6000"]
    assert message_errors(embeds[:1]) == []
    assert any("11 embeds" in e for e in message_errors([discord.Embed(title="x")] * 11))


# --- properties: any paper, any section -------------------------------------------------------

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


def rendered(embed: discord.Embed) -> str:
    """The text Discord renders: link targets left out (they are not text and never ping)."""
    data = embed.to_dict()
    texts = [
        data.get("title", ""),
        data.get("description", ""),
        data.get("footer", {}).get("text", ""),
        data.get("author", {}).get("name", ""),
    ]
    for field in data.get("fields", []):
        texts += [field["name"], field["value"]]
    return re.sub(r"\]\([^)\s]*\)", "]", "\n".join(texts))


def assert_safe(embed: discord.Embed) -> None:
    assert embed_errors(embed) == []
    assert message_errors([embed]) == []
    data = embed.to_dict()
    assert data.get("title") or data.get("description")
    text = rendered(embed).casefold()
    assert "@everyone" not in text and "@here" not in text
    outside_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    assert not re.search(r"(?<!\\)<(@[!&]?|#)\d", outside_code)


@PROPERTY
@given(papers_with_sections(), st.none() | long_text(400, 20))
def test_any_paper_card_fits(case: tuple[Paper, list[Section]], heading: str | None) -> None:
    paper, sections = case
    embed = paper_card(paper, sections, heading=heading)
    assert_safe(embed)
    assert (embed.footer.text or "id: ").startswith("id: ")


@PROPERTY
@given(SECTION, st.lists(papers(), min_size=1, max_size=3), st.integers(0, 500), st.integers(1, 25))
def test_any_section_pages_fit(
    section: Section, templates: list[Paper], count: int, per_page: int
) -> None:
    listed = [replace(templates[i % len(templates)], id=str(i)) for i in range(count)]
    pages = section_pages(section, listed, per_page=per_page)
    assert len(pages) == max(1, -(-count // per_page))
    for index, page in enumerate(pages):
        assert_safe(page)
        assert page.footer.text and page.footer.text.startswith(f"Page {index + 1}/{len(pages)} · ")
        if count:
            assert (page.description or "").startswith(f"**{index * per_page + 1}.** ")
        assert len(page.title or "") <= TITLE_LIMIT


@PROPERTY
@given(papers())
def test_any_citation_is_valid_and_its_card_fits(paper: Paper) -> None:
    bib = citation(paper)
    assert is_valid_bibtex(bib), bib
    embed = citation_card(paper)
    assert_safe(embed)
    text = embed.description or ""
    assert len(text) <= DESCRIPTION_LIMIT
    assert text.startswith("```bibtex\n") and text.endswith("\n```") and text.count("```") == 2


def is_valid_bibtex(bib: str) -> bool:
    """One entry as BibTeX reads it: `@type{key,` then `name = {value}` fields, braces balanced."""
    head = re.match(r"@(misc|article|inproceedings)\{[a-z0-9]+,\n", bib)
    if not head or not bib.endswith("\n}"):
        return False
    body = bib[head.end() : -2]
    position = 0
    while position < len(body):
        field = re.compile(r"  [a-zA-Z]+ = \{").match(body, position)
        if not field:
            return False
        depth, position = 1, field.end()
        while depth and position < len(body):
            depth += {"{": 1, "}": -1}.get(body[position], 0)
            position += 1
        if depth:
            return False
        if body.startswith(",\n", position):
            position += 2
        elif position != len(body):
            return False
    return True
