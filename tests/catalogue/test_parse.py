"""Every quirk of the real lists, one small markdown text each."""

from __future__ import annotations

import pytest

from bot.catalogue import SectionTable, parse_catalogue, parse_texts
from bot.models import Catalogue, Paper

HEAD = "# Chapter\n\n## Section\n"


def one(text: str) -> Paper:
    catalogue = parse_catalogue(HEAD + text)
    assert len(catalogue.papers) == 1, catalogue
    return catalogue.papers[0]


@pytest.mark.parametrize(
    ("markdown", "field", "value"),
    [
        # the title may end in a period or not, and may wrap over two lines
        ("1. **A title.** `arXiv`\n   *A B.* [[PDF](https://x.org/a)], 2020.", "title", "A title"),
        ("1. **A title** `arXiv`\n   *A B.* [[PDF](https://x.org/a)], 2020.", "title", "A title"),
        (
            "3. **Layers Build Predictions by\n   Promoting Concepts.** `arXiv`\n   *A B.*",
            "title",
            "Layers Build Predictions by Promoting Concepts",
        ),
        # the venue is in backticks and may be empty
        ("1. **T.** `NeurIPS`\n   *A B.*", "venue", "NeurIPS"),
        ("1. **T.** ``\n   *A B.*", "venue", ""),
        # the year, with or without trailing period; sometimes missing
        ("1. **T.** `x`\n   *A B.* [[PDF](https://x.org/a)], 2014 ", "year", 2014),
        ("1. **T.** `x`\n   *A B.* [[PDF](https://x.org/a)],2023.", "year", 2023),
        ("1. **T.** `x`\n   *A B.* [[PDF](https://x.org/a)]", "year", None),
        # links with or without a space between them, empty code links
        (
            "1. **T.** `x`\n   *A B.* [[PDF](https://x.org/p)][[Code](https://github.com/a/b)], 2020",
            "code",
            "https://github.com/a/b",
        ),
        (
            "1. **T.** `x`\n   *A B.* [[PDF](https://x.org/p)] [[Code](https://github.com/a/b.git)]",
            "code",
            "https://github.com/a/b",
        ),
        ("1. **T.** ``\n   *A B.* [[PDF](https://x.org/p)] [[Code]()], 2020.", "code", None),
        # spaces or a line break inside the parentheses
        (
            "2. **T.** `x`\n   *A B.* [[PDF](https://x.org/p)][[Code](\n   https://github.com/f/DEPN)], 2023",
            "code",
            "https://github.com/f/DEPN",
        ),
        (
            "3. **T.** `x`\n   *A B.* [[Code]( https://github.com/a/ffn-values.\n   )], 2022",
            "code",
            "https://github.com/a/ffn-values",
        ),
        # a link without a scheme
        (
            "1. **T.** `x`\n   *A B.* [[Code](github.com/h/E)], 2023",
            "code",
            "https://github.com/h/E",
        ),
        # the arXiv id from any arxiv.org link
        (
            "1. **T.** `x`\n   *A B.* [[PDF](https://arxiv.org/pdf/2305.10403v2)]",
            "arxiv_id",
            "2305.10403",
        ),
        ("1. **T.** `x`\n   *A B.* [[PDF](https://arxiv.org/abs/2305.10403)]", "id", "2305.10403"),
        ("1. **Long Short-Term Memory.** `x`\n   *A B.*", "id", "long-short-term-memory"),
        # LaTeX accents in authors
        (
            '1. **T.** `x`\n   *Chris Manning, Hinrich Sch{\\"{u}}tze* [[PDF](https://x.org)], 1999',
            "authors",
            ("Chris Manning", "Hinrich Schütze"),
        ),
        # a blank line between the title line and the author line
        (
            "1. **T.** `x`\n\n   *Wayne Xin Zhao, and Ji-Rong Wen.*[[PDF](https://x.org)], 2023.",
            "authors",
            ("Wayne Xin Zhao", "Ji-Rong Wen"),
        ),
        # markdown escapes in a title
        (
            "15. **Vicuna: 90%\\* ChatGPT Quality.** `Online`\n    *The Vicuna Team.*",
            "title",
            "Vicuna: 90%* ChatGPT Quality",
        ),
    ],
)
def test_entry_quirks(markdown: str, field: str, value: object) -> None:
    assert getattr(one(markdown), field) == value


def test_author_line_outside_the_list_item_still_belongs_to_the_entry() -> None:
    # after "10." an author line indented by three spaces is a paragraph of its own in CommonMark
    text = (
        "9. **Nine.** `x`\n\n   *A B.*[[PDF](https://arxiv.org/abs/2306.15063)], 2023.\n\n"
        "10. **Data Distributional Properties.** `NeurIPS`\n\n"
        "   *Stephanie C.Y. Chan, Felix Hill.* [[PDF](https://arxiv.org/abs/2205.05055)], 2022.\n\n"
        "11. **Eleven.** `x`\n\n    *C D.*[[PDF](https://arxiv.org/abs/2206.07682)], 2022.\n"
    )
    catalogue = parse_catalogue(HEAD + text)
    data = catalogue.paper("2205.05055")
    assert data is not None
    assert data.authors == ("Stephanie C.Y. Chan", "Felix Hill")
    assert data.year == 2022
    assert [p.title for p in catalogue.papers] == [
        "Nine",
        "Data Distributional Properties",
        "Eleven",
    ]
    assert catalogue.problems == ()


def test_table_of_contents_is_ignored_and_headings_lose_their_icons() -> None:
    text = (
        "# Book\n\n- [Chapter](#chapter)\n  - [Sec](#sec)\n\n## Chapter\n\n"
        '### <img src="..\\figure\\star.svg" width="25" height="25" />Sec\n\n'
        "1. **T.** `x`\n   *A B.*\n"
    )
    catalogue = parse_catalogue(text)
    assert [(s.heading, s.chapter) for s in catalogue.sections] == [("Sec", "Chapter")]
    assert catalogue.entries == 1


def test_numbering_skips_restarts_and_empty_items() -> None:
    text = (
        "## A\n1. **One.** `x`\n   *A B.*\n\n2. **Two.** `x`\n   *A B.*\n\n"
        "4. **Four.** `x`\n   *A B.*\n\n## Empty\n1.  \n\n## B\n1. **Again one.** `x`\n   *A B.*\n"
        "1. **Restart.** `x`\n   *A B.*\n"
    )
    catalogue = parse_catalogue("# C\n" + text)
    assert [len(s.paper_ids) for s in catalogue.sections] == [3, 0, 2]
    assert catalogue.entries == 5
    assert catalogue.problems == ()


def test_same_paper_in_several_sections_is_one_paper_in_list_order() -> None:
    text = (
        "## A\n1. **Mamba.** `arXiv`\n   *Albert Gu.* [[PDF](https://arxiv.org/abs/2312.00752)], 2023\n"
        "## B\n1. **Other.** `x`\n   *C D.*\n"
        "2. **mamba: slightly different** ``\n   *Albert Gu, Tri Dao.* "
        "[[PDF](https://arxiv.org/pdf/2312.00752v2)][[Code](https://github.com/state-spaces/mamba)]\n"
    )
    catalogue = parse_catalogue("# C\n" + text)
    mamba = catalogue.paper("2312.00752")
    assert mamba is not None
    assert mamba.sections == ("a", "b")
    assert mamba.title == "Mamba"  # first listing wins
    assert mamba.code == "https://github.com/state-spaces/mamba"  # later listings fill gaps
    assert "https://arxiv.org/pdf/2312.00752v2" in mamba.links  # and no link is lost
    assert [s.paper_ids for s in catalogue.sections] == [("2312.00752",), ("other", "2312.00752")]
    assert catalogue.entries == 3


def test_exact_repeat_inside_a_section_is_one_paper() -> None:
    entry = "1. **Gpt-4 technical report.** `Online`\n   *OpenAI.* [[PDF](https://openai.com/4o)], 2024.\n"
    catalogue = parse_catalogue("# C\n## A\n" + entry + entry.replace("1.", "2."))
    assert len(catalogue.papers) == 1
    assert catalogue.sections[0].paper_ids == ("gpt-4-technical-report",)
    assert catalogue.entries == 2


def test_entry_without_arxiv_link_takes_the_id_of_the_same_title_with_one() -> None:
    text = (
        "## A\n1. **Locating and Editing Factual Associations in GPT.** `NeurIPS`\n"
        "   *Kevin Meng.* [[PDF](https://proceedings.neurips.cc/x.html)], 2022\n"
        "## B\n1. **Locating and editing factual associations in GPT** `NeurIPS`\n"
        "   *Kevin Meng.* [[PDF](https://arxiv.org/pdf/2202.05262)], 2022\n"
    )
    catalogue = parse_catalogue("# C\n" + text)
    assert [p.id for p in catalogue.papers] == ["2202.05262"]


def test_same_heading_in_two_chapters_gets_two_slugs(full: Catalogue) -> None:
    practice = [s for s in full.sections if s.heading == "实践与应用"]
    assert len(practice) == 2
    assert practice[0].slug != practice[1].slug


def test_unknown_heading_gets_a_unique_usable_slug() -> None:
    text = "# C\n## 新的章节\n1. **T.** `x`\n   *A B.*\n## Brand New\n## Brand New\n"
    slugs = [s.slug for s in parse_catalogue(text).sections]
    assert slugs[0] == "新的章节"
    assert slugs[1] == "brand-new"
    assert len(set(slugs)) == 3


ENTRY = "1. **T{n}.** `x`\n   *A B.*\n"


def sections_of(*headings: str, table: SectionTable) -> list[tuple[str, str]]:
    text = "# C\n" + "".join(f"## {h}\n" + ENTRY.format(n=n) for n, h in enumerate(headings))
    return [(s.heading, s.slug) for s in parse_catalogue(text, table=table).sections]


def test_a_curated_slug_goes_to_its_heading_even_after_an_uncurated_heading_that_fits_it(
    table: SectionTable,
) -> None:
    assert sections_of("non-transformer", "非 Transformer 架构", table=table) == [
        ("non-transformer", "c-non-transformer"),
        ("非 Transformer 架构", "non-transformer"),
    ]
    # Its slug does not change when the curated heading is added to the list, or removed.
    assert sections_of("non-transformer", table=table) == [("non-transformer", "c-non-transformer")]


def test_curated_slugs_win_across_files_too(table: SectionTable) -> None:
    first = "# C\n## Non Transformer\n" + ENTRY.format(n=1)
    second = "# D\n## 非 Transformer 架构\n" + ENTRY.format(n=2)
    catalogue = parse_texts([("a.md", first), ("b.md", second)], table)
    assert [s.slug for s in catalogue.sections] == ["c-non-transformer", "non-transformer"]


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("1. *Only authors, no title.* [[PDF](https://x.org)], 2020", "no bold title"),
        ("1. just some words", "no bold title"),
    ],
)
def test_unreadable_entries_become_problems_with_line_numbers(markdown: str, message: str) -> None:
    catalogue = parse_catalogue(HEAD + "\n" + markdown + "\n")
    assert catalogue.papers == ()
    [problem] = catalogue.problems
    assert problem.message == message
    assert problem.line == 5
    assert problem.text == markdown


def test_entry_before_any_heading_is_kept_and_reported() -> None:
    catalogue = parse_catalogue("1. **Orphan.** `x`\n   *A B.*\n")
    assert [p.title for p in catalogue.papers] == ["Orphan"]
    assert [p.message for p in catalogue.problems] == ["entry before the first section heading"]
