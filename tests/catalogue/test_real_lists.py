"""Both real lists in ../shared/catalogues load exactly and completely."""

from __future__ import annotations

from bot.catalogue import parse_catalogue
from bot.models import Catalogue
from tests.conftest import CHAPTER_LIST, DATA


def test_shipped_list_is_the_commissioned_one() -> None:
    assert (DATA / "reading-list.md").read_bytes() == CHAPTER_LIST.read_bytes()


def test_commissioned_list_counts(chapter: Catalogue) -> None:
    assert len(chapter.papers) == 20
    assert chapter.entries == 20
    assert [s.slug for s in chapter.sections] == [
        "scaling",
        "architectures",
        "encoder-only",
        "encoder-decoder",
        "decoder-only",
        "non-transformer",
    ]
    assert [len(s.paper_ids) for s in chapter.sections] == [3, 1, 5, 6, 0, 5]
    assert chapter.problems == ()
    assert {s.chapter for s in chapter.sections} == {"大语言模型"}


def test_full_list_counts(full: Catalogue) -> None:
    assert full.entries == 238
    assert len(full.papers) == 217
    assert len(full.sections) == 31
    assert full.problems == ()
    assert (
        sum(len(s.paper_ids) for s in full.sections) == 234
    )  # four repeats inside a section folded
    assert len({s.chapter for s in full.sections}) == 6


def test_every_paper_is_complete(full: Catalogue) -> None:
    incomplete = [
        p.title
        for p in full.papers
        if not (p.authors and p.year and (p.pdf or p.code) and p.sections and p.title[-1] != ".")
    ]
    assert incomplete == []


def test_every_heading_has_an_english_name(full: Catalogue) -> None:
    assert [s.heading for s in full.sections if s.name == s.heading] == []
    assert len({s.slug for s in full.sections}) == 31


def test_section_names_from_the_table(full: Catalogue) -> None:
    by_heading = {s.heading: s for s in full.sections}
    assert by_heading["非 Transformer 架构"].slug == "non-transformer"
    assert by_heading["非 Transformer 架构"].name == "Non-Transformer architectures"
    assert by_heading["基于 Encoder-only 架构的大语言模型"].slug == "encoder-only"
    assert by_heading["基于 Encoder-Decoder 架构的大语言模型"].slug == "encoder-decoder"
    assert by_heading["基于 Decoder-only 架构的大语言模型"].slug == "decoder-only"


def test_tricky_entries_of_the_full_list(full: Catalogue) -> None:
    def by_title(start: str) -> tuple[object, ...]:
        [paper] = [p for p in full.papers if p.title.startswith(start)]
        return paper.authors, paper.year

    assert by_title("Data Distributional Properties")[1] == 2022
    assert by_title("Data Distributional Properties")[0][0] == "Stephanie C.Y. Chan"
    assert by_title("Foundations of statistical")[0] == ("Chris Manning", "Hinrich Schütze")
    assert by_title("Searching in one billion")[0][0] == "Hervé Jégou"
    assert by_title("Attention is all you need")[0][:2] == ("Ashish Vaswani", "Noam Shazeer")
    assert by_title("Dense passage retrieval")[0][1] == "Barlas Oğuz"
    assert by_title("Transformer Feed-Forward Layers Build Predictions by Promoting Concepts")


def test_papers_listed_twice_keep_all_their_sections(full: Catalogue) -> None:
    rome = full.paper("2202.05262")
    assert rome is not None
    assert rome.sections == ("model-editing-methods", "rome", "generation-augmentation")
    lstm = full.paper("long-short-term-memory")
    assert lstm is not None
    assert lstm.sections == ("rnn-lm", "in-context-learning")


def test_gpt4_and_gpt4o_reports_stay_two_papers(full: Catalogue) -> None:
    gpt4 = [p for p in full.papers if p.title == "Gpt-4 technical report"]
    assert [p.year for p in gpt4] == [2023, 2024]


def test_ids_and_slugs_fit_in_button_custom_ids(full: Catalogue) -> None:
    assert max(len(p.id) for p in full.papers) <= 60
    assert max(len(s.slug) for s in full.sections) <= 40
    title = " ".join(["Long title"] * 30)
    catalogue = parse_catalogue(f"# C\n## {'很长的标题' * 30}\n1. **{title}** `x`\n   *A B.*\n")
    assert len(catalogue.sections[0].slug) <= 40
    assert len(catalogue.papers[0].id) <= 60
