"""The shipped Chinese-English glossary: well formed, large, and covering every word of the
reading lists' section headings."""

from __future__ import annotations

import re
import tomllib

import pytest

from bot.chinese import Glossary, all_words, read_glossary
from bot.models import Catalogue
from bot.retrieval import STOP, Analyser
from tests.conftest import DATA

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return read_glossary(DATA / "glossary.toml")


def test_the_file_has_only_the_known_tables() -> None:
    with (DATA / "glossary.toml").open("rb") as f:
        data = tomllib.load(f)
    assert set(data) <= {"stop", "terms", "english"}
    assert all(isinstance(v, list) and v for v in data["terms"].values())


def test_hundreds_of_terms_each_a_chinese_word_with_english(glossary: Glossary) -> None:
    assert len(glossary.terms) >= 300
    bad = [
        k
        for k, vs in glossary.terms.items()
        if not CJK.search(k) or k != k.strip() or not all(v.strip() and v.isascii() for v in vs)
    ]
    assert bad == []


def test_every_rendering_gives_search_terms(glossary: Glossary) -> None:
    analyser = Analyser(glossary)
    empty = [(k, v) for k, vs in glossary.terms.items() for v in vs if not analyser.terms(v)]
    assert empty == []


def test_stop_words_are_not_terms(glossary: Glossary) -> None:
    assert sorted(glossary.stop & set(glossary.terms)) == []
    assert {"哪篇", "怎么", "是什么", "论文"} <= glossary.stop


def test_every_word_of_the_headings_is_in_the_glossary(
    glossary: Glossary, full: Catalogue, chapter: Catalogue
) -> None:
    headings = [
        text for c in (full, chapter) for s in c.sections for text in (s.heading, s.chapter)
    ]
    words = all_words(glossary, headings)
    assert words
    assert sorted(w for w in words if w not in glossary.terms and w not in glossary.stop) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("什么是上下文学习", ["上下文学习"]),
        ("大模型剪枝论文", ["大模型", "剪枝"]),
        ("多模态综述", ["多模态", "综述"]),
        ("哪篇论文是什么", []),
        ("今天天气", ["今天天气"]),  # no glossary word in it: kept whole, matches nothing
    ],
)
def test_segmentation_keeps_glossary_terms_whole(
    glossary: Glossary, text: str, words: list[str]
) -> None:
    assert glossary.segment(text) == words


def test_english_entries_are_words_of_the_field_with_other_words_for_them(
    glossary: Glossary,
) -> None:
    """`[english]`: an abbreviation, a synonym or a spelling a reader types, each with other
    words of the list's vocabulary for the same thing."""
    analyser = Analyser(glossary)
    assert len(glossary.english) >= 40
    bad_keys = [
        k
        for k in glossary.english
        if not re.fullmatch(r"[a-z][a-z0-9]*", k) or k in STOP or k in glossary.stop
    ]
    assert bad_keys == []
    bad = [
        (k, v)
        for k, vs in glossary.english.items()
        for v in vs
        if not v.isascii() or not analyser.terms(v) or analyser.terms(v) == analyser.terms(k)
    ]
    assert bad == []


def test_an_english_word_is_looked_up_by_its_stem_and_its_renderings_count_less(
    glossary: Glossary,
) -> None:
    analyser = Analyser(glossary)
    (concept,) = analyser.concepts("documents")
    assert concept.alternatives[0] == ("document",)
    assert ("context",) in concept.alternatives
    assert concept.factors[0] == 1.0
    assert all(0 < f < 1 for f in concept.factors[1:])
    (llm,) = analyser.concepts("llms")  # an abbreviation's plural: Snowball keeps its s
    assert llm.alternatives[0] == ("llm",)
    assert ("larg", "languag", "model") in llm.alternatives
