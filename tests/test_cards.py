"""Paper cards, abstracts, section pages and citation cards: content on the real list, and
Discord's limits (tests/fake_discord's own table, not the module's constants) on any input."""

from __future__ import annotations

import re
from dataclasses import replace

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cards import Place, abstract_cards, citation_card, paper_card, pdf_link, section_pages
from bot.metadata.models import Facts, PaperMetadata
from bot.models import Catalogue, Paper, Section
from tests.fake_discord import limits
from tests.strategies import PROPERTY, SECTION, long_text, metadata, papers, papers_with_sections
from tests.test_bibtex import is_valid_bibtex

ZWSP = "\u200b"


def errors(*embeds: discord.Embed) -> list[str]:
    """What Discord would refuse in a message of these embeds, by the fake's limits, and
    URLs it would refuse."""
    found = limits.message_errors({"embeds": [e.to_dict() for e in embeds]})
    for embed in embeds:
        data = embed.to_dict()
        if not (data.get("title") or data.get("description")):
            found.append("an empty embed")
        url = data.get("url")
        if url is not None and (not re.match(r"https?://[^\s]+$", url) or len(url) > 2048):
            found.append(f"url {url!r}")
    return found


# --- paper cards on the real list -------------------------------------------------------------

RWKV_META = PaperMetadata(
    "2305.13048",
    arxiv=Facts(
        title="RWKV: Reinventing RNNs for the Transformer Era",
        abstract="Transformers have revolutionized almost all natural language processing"
        " (NLP) tasks but suffer from memory and computational complexity that scales"
        " quadratically with sequence length. In contrast, recurrent neural networks (RNNs)"
        " exhibit linear scaling in memory and computational requirements but struggle to"
        " match the same performance as Transformers. We propose a novel model architecture,"
        " Receptance Weighted Key Value (RWKV).",
        year=2023,
    ),
    scholar=Facts(
        tldr="This work proposes RWKV, a model architecture that combines the efficient"
        " parallelizable training of transformers with the efficient inference of RNNs.",
        citation_count=4210,
        venue="Conference on Empirical Methods in Natural Language Processing",
        year=2023,
    ),
)


def card(
    full: Catalogue,
    paper_id: str,
    *,
    heading: str | None = None,
    metadata: PaperMetadata | None = None,
    lang: str = "en",
) -> discord.Embed:
    paper = full.paper(paper_id)
    assert paper is not None
    sections = [s for s in map(full.section, paper.sections) if s is not None]
    place = Place(
        sections[0], sections[0].paper_ids.index(paper.id) + 1, len(sections[0].paper_ids)
    )
    return paper_card(
        paper, metadata=metadata, place=place, also_in=sections[1:], heading=heading, lang=lang
    )


def fields(embed: discord.Embed) -> dict[str, str]:
    return {field.name or "": field.value or "" for field in embed.fields}


def test_rwkv_card_says_what_the_paper_is(full: Catalogue) -> None:
    embed = card(full, "2305.13048", metadata=RWKV_META)
    assert embed.title == "RWKV: Reinventing RNNs for the Transformer Era"
    assert embed.url == "https://arxiv.org/pdf/2305.13048"  # the list's /abs/ link, as a PDF
    assert embed.description == (
        "**TL;DR** This work proposes RWKV, a model architecture that combines the efficient"
        " parallelizable training of transformers with the efficient inference of RNNs.\n\n"
        "Bo Peng, Eric Alcaide, Quentin Anthony, Alon Albalak, Samuel Arcadinho, Stella Biderman"
        " et al.\nEMNLP · 2023 · cited 4,210 times"
    )
    # no field repeats the buttons (links) or the id; the footer says where the paper sits
    assert embed.fields == []
    assert embed.footer.text == "3 of 5 in Non-Transformer architectures"
    assert embed.author.name is None
    assert errors(embed) == []


def test_without_a_tldr_the_abstract_opens_the_card(full: Catalogue) -> None:
    meta = replace(RWKV_META, scholar=Facts(citation_count=1))
    summary = (card(full, "2305.13048", metadata=meta).description or "").split("\n\n")[0]
    assert summary == (
        "Transformers have revolutionized almost all natural language processing (NLP) tasks"
        " but suffer from memory and computational complexity that scales quadratically with"
        " sequence length."
    )  # whole sentences, at most ~300 characters
    assert len(summary) <= 300
    assert (card(full, "2305.13048", metadata=meta).description or "").endswith("· cited once")


def test_a_card_in_chinese(full: Catalogue) -> None:
    embed = card(full, "2305.13048", metadata=RWKV_META, lang="zh")
    assert (embed.description or "").startswith("**一句话总结** This work proposes RWKV")
    assert (embed.description or "").endswith("EMNLP · 2023 · 被引用 4,210 次")
    assert embed.footer.text == "非 Transformer 架构 第 3/5 篇"


def test_without_metadata_the_card_shows_the_list_alone(full: Catalogue) -> None:
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
    assert embed.fields == []
    assert embed.footer.text == "the only paper in Overview of LLM architectures"


def test_metadata_fills_in_a_missing_venue_and_year() -> None:
    paper = Paper(id="x", title="X", authors=("A B",))
    meta = PaperMetadata("x", scholar=Facts(venue="ICML", year=2021, citation_count=0))
    assert (
        paper_card(paper, metadata=meta, lang="en").description
        == "A B\nICML · 2021 · cited 0 times"
    )


def test_lstm_card_two_sections_and_an_extra_link(full: Catalogue) -> None:
    embed = card(full, "long-short-term-memory")
    assert embed.title == "Long Short-Term Memory"
    assert embed.url == "https://deeplearning.cs.cmu.edu/F23/document/readings/LSTM.pdf"
    assert embed.description == "Sepp Hochreiter, Jürgen Schmidhuber\nNeural Computing · 1997"
    # PDF and code are buttons; the list's further link has none, so it stays
    assert fields(embed) == {
        "More links": "[link 1](https://www.bioinf.jku.at/publications/older/2604.pdf)"
    }
    assert embed.footer.text == (
        "2 of 5 in RNN-based language models · also in In-context learning"
    )


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
    assert (embed.footer.text or "").count(", ") == 1  # also in two more sections
    assert "[link 1](" in fields(embed)["More links"]
    assert "[link 2](" in fields(embed)["More links"]


def test_markdown_in_a_real_title_is_escaped(full: Catalogue) -> None:
    embed = card(full, "vicuna-an-open-source-chatbot-impressing-gpt-4-with-1a578522")
    assert (
        embed.title == r"Vicuna: An Open-Source Chatbot Impressing GPT-4 with 90%\* ChatGPT Quality"
    )


def test_parentheses_in_a_link_are_encoded(full: Catalogue) -> None:
    paper = next(p for p in full.papers if p.pdf and "(02)" in p.pdf)
    embed = paper_card(replace(paper, links=((paper.pdf or "") + "x",)), lang="en")
    assert embed.url == "https://doi.org/10.1016/S0306-4573(02)00021-3"
    assert fields(embed)["More links"] == (
        "[link 1](https://doi.org/10.1016/S0306-4573%2802%2900021-3x)"
    )


@pytest.mark.parametrize(
    ("pdf", "arxiv_id", "expected"),
    [
        ("https://arxiv.org/abs/2305.13048", "2305.13048", "https://arxiv.org/pdf/2305.13048"),
        ("http://arxiv.org/abs/2305.13048v2", "2305.13048", "https://arxiv.org/pdf/2305.13048"),
        ("https://arxiv.org/pdf/1706.03762", "1706.03762", "https://arxiv.org/pdf/1706.03762"),
        ("https://aclanthology.org/N19-1423.pdf", None, "https://aclanthology.org/N19-1423.pdf"),
        (None, "2305.13048", "https://arxiv.org/pdf/2305.13048"),
        ("ftp://example.org/x.pdf", None, None),
    ],
)
def test_pdf_link(pdf: str | None, arxiv_id: str | None, expected: str | None) -> None:
    assert pdf_link(Paper(id="x", title="X", pdf=pdf, arxiv_id=arxiv_id)) == expected


def test_the_open_access_pdf_is_the_last_resort() -> None:
    paper = Paper(id="x", title="X")
    meta = PaperMetadata("x", scholar=Facts(open_access_pdf="https://example.org/x.pdf"))
    assert pdf_link(paper, meta) == "https://example.org/x.pdf"


def metadata_of(paper: Paper) -> PaperMetadata:
    """Metadata as long as the sources give: a 1,920-character abstract (arXiv's limit),
    a long TL;DR, a long venue."""
    return PaperMetadata(
        paper.id,
        arxiv=Facts(abstract=("Word " * 384).strip(), year=2020),
        scholar=Facts(tldr="Long " * 200, venue="Venue " * 100, citation_count=123_456_789),
    )


@pytest.mark.parametrize("which", ["full", "chapter"])
def test_every_real_card_and_page_fits(which: str, request: pytest.FixtureRequest) -> None:
    catalogue: Catalogue = request.getfixturevalue(which)
    for paper in catalogue.papers:
        sections = [s for s in map(catalogue.section, paper.sections) if s is not None]
        for meta in (None, metadata_of(paper)):
            embed = paper_card(paper, metadata=meta, also_in=sections, lang="en")
            assert errors(embed) == [], paper.id
            assert len(embed) < 3000, paper.id  # leaves room beside a citation (/cite)
        assert errors(*abstract_cards(paper, metadata_of(paper), lang="en")) == []
        assert errors(citation_card(paper, lang="en")) == [], paper.id
    for section in catalogue.sections:
        listed = [p for p in map(catalogue.paper, section.paper_ids) if p is not None]
        for page in section_pages(section, listed, lang="en"):
            assert errors(page) == [], section.slug


def test_card_urls_fall_back_and_skip_what_discord_rejects() -> None:
    base = Paper(id="x", title="X", code="https://github.com/x/y")
    assert paper_card(base, lang="en").url == "https://github.com/x/y"
    with_arxiv = replace(base, arxiv_id="2305.13048", pdf="ftp://example.org/x.pdf")
    assert paper_card(with_arxiv, lang="en").url == "https://arxiv.org/pdf/2305.13048"
    too_long = replace(base, pdf="https://example.org/" + "a" * 2100, code="javascript:alert(1)")
    embed = paper_card(too_long, lang="en")
    assert embed.url is None
    assert embed.fields == []


def test_overlong_fields_say_how_much_was_left_out() -> None:
    links = tuple(f"https://example.org/{i}/{'x' * 80}" for i in range(40))
    sections = [
        Section(slug=f"s{i}", heading=f"标题 {i}" * 10, name=f"Name {i}") for i in range(40)
    ]
    paper = Paper(id="x", title="X", links=links, sections=tuple(s.slug for s in sections))
    embed = paper_card(paper, place=Place(sections[0], 1, 1), also_in=sections[1:], lang="en")
    shown_links = fields(embed)["More links"]
    assert shown_links.startswith("[link 1](https://example.org/0/")
    assert re.search(r" · … and \d+ more$", shown_links)
    assert (embed.footer.text or "").startswith("the only paper in Name 0 · also in Name 1, Name 2")
    assert errors(embed) == []


def test_a_long_abstract_is_split_and_said_where_it_comes_from() -> None:
    paper = Paper(id="x", title="X", arxiv_id="2305.13048")
    sentence = "This sentence is one of many in a very long abstract. "
    meta = PaperMetadata("x", scholar=Facts(abstract=sentence * 100))  # 5,400 characters
    embeds = abstract_cards(paper, meta, lang="en")
    assert len(embeds) == 2
    assert embeds[0].title == "Abstract: X" and embeds[0].url == "https://arxiv.org/abs/2305.13048"
    assert all((e.description or "").endswith(".") for e in embeds[:-1])  # cut between sentences
    assert embeds[-1].footer.text == "Abstract from Semantic Scholar"
    assert errors(*embeds) == []
    short = abstract_cards(paper, RWKV_META, lang="zh")
    assert len(short) == 1 and short[0].footer.text == "摘要来自 arXiv（元数据 CC0）"


# --- section pages ----------------------------------------------------------------------------


def listing(full: Catalogue, slug: str) -> tuple[Section, list[Paper]]:
    section = full.section(slug)
    assert section is not None
    return section, [p for p in map(full.paper, section.paper_ids) if p is not None]


def test_decoder_only_pages_continue_numbering(full: Catalogue) -> None:
    section, papers = listing(full, "decoder-only")
    assert len(papers) == 20  # 21 numbered entries; the 10th repeats the 9th
    pages = section_pages(section, papers, lang="en")
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
    assert all(errors(page) == [] for page in pages)


def test_non_transformer_page(full: Catalogue) -> None:
    section, papers = listing(full, "non-transformer")
    [page] = section_pages(section, papers, lang="en")
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
    [page] = section_pages(section, [], lang="en")
    assert page.title == "New papers"  # the heading is not repeated when it is the name
    assert page.description == "No papers are listed in this section yet."
    assert page.footer.text == "Page 1/1 · 0 papers · /section new"
    assert errors(page) == []


def test_per_page_and_singular_count() -> None:
    section = Section(slug="s", heading="S", name="S")
    papers = [Paper(id=str(i), title=f"Paper {i}") for i in range(5)]
    pages = section_pages(section, papers, per_page=2, lang="en")
    assert [(p.description or "").split("\n")[0] for p in pages] == [
        "**1.** Paper 0",
        "**3.** Paper 2",
        "**5.** Paper 4",
    ]
    assert (
        section_pages(section, papers[:1], lang="en")[0].footer.text
        == "Page 1/1 · 1 paper · /section s"
    )
    with pytest.raises(ValueError, match="per_page"):
        section_pages(section, papers, per_page=0, lang="en")


def test_citation_card_keeps_its_fence() -> None:
    paper = Paper(
        id="big", title="```@everyone```", authors=tuple(f"Author {i}" for i in range(300))
    )
    embed = citation_card(paper, lang="en")
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
    embed = citation_card(paper, lang="en")
    assert errors(embed) == []
    bib = (embed.description or "").removeprefix("```bibtex\n").removesuffix("\n```")
    assert is_valid_bibtex(bib)
    assert bib.startswith("@article{anon2024,\n")
    assert "and others}" in bib and "https://example.org/aaa" in bib


@pytest.mark.parametrize("year", [None, 0, -5, 10_000])
def test_a_year_that_is_not_one_is_left_out(year: int | None) -> None:
    paper = Paper(id="x", title="T", authors=("A B",), venue="ICML", year=year)
    assert paper_card(paper, lang="en").description == "A B\nICML"
    assert "year" not in (citation_card(paper, lang="en").description or "")
    page = section_pages(Section(slug="s", heading="S", name="S"), [paper], lang="en")[0]
    assert page.description == "**1.** T"


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
    assert errors(embed) == []
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
    place = Place(sections[0], 1, 2) if sections else None
    embed = paper_card(paper, place=place, also_in=sections[1:], heading=heading, lang="en")
    assert_safe(embed)
    # The id is never shown, unless the footer's own words (a section's name, a separator
    # such as ", " for an id of no letter or digit, which no real id is) contain it.
    words = " ".join(f"{s.name} {s.heading} {s.slug}" for s in sections)
    named = paper.id in " ".join(words.split()) or paper.id in "1 of 2 in "
    named = named or not any(c.isalnum() for c in paper.id)
    assert named or paper.id not in (embed.footer.text or "")


@PROPERTY
@given(papers(), metadata(), st.sampled_from(["en", "zh"]))
def test_any_card_with_any_metadata_fits(paper: Paper, meta: PaperMetadata, lang: str) -> None:
    assert_safe(paper_card(paper, metadata=meta, lang=lang))
    if meta.abstract:
        embeds = abstract_cards(paper, meta, lang=lang)
        assert errors(*embeds) == []
        for embed in embeds:
            assert_safe(embed)


@PROPERTY
@given(SECTION, st.lists(papers(), min_size=1, max_size=3), st.integers(0, 500), st.integers(1, 25))
def test_any_section_pages_fit(
    section: Section, templates: list[Paper], count: int, per_page: int
) -> None:
    listed = [replace(templates[i % len(templates)], id=str(i)) for i in range(count)]
    pages = section_pages(section, listed, per_page=per_page, lang="en")
    assert len(pages) == max(1, -(-count // per_page))
    for index, page in enumerate(pages):
        assert_safe(page)
        assert page.footer.text and page.footer.text.startswith(f"Page {index + 1}/{len(pages)} · ")
        if count:
            assert (page.description or "").startswith(f"**{index * per_page + 1}.** ")
        assert len(page.title or "") <= limits.EMBED_TITLE_MAX


@PROPERTY
@given(papers())
def test_any_citation_card_fits(paper: Paper) -> None:
    embed = citation_card(paper, lang="en")
    assert_safe(embed)
    text = embed.description or ""
    assert is_valid_bibtex(text.removeprefix("```bibtex\n").removesuffix("\n```"))
    assert text.startswith("```bibtex\n") and text.endswith("\n```") and text.count("```") == 2
