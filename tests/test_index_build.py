"""The index build's shortcuts give what the definitions give (issue 14): one pass over a
text for its words and its terms, a paper's authors in a batch, and the sorted tables that
hold the links, ids and names. Each is checked against the plain definition on hostile
text (accents, Chinese, full-width letters, punctuation, digits)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.chinese import read_glossary
from bot.citations import link_keys
from bot.config import PACKAGE_DATA
from bot.models import Paper
from bot.retrieval import Analyser
from bot.search import _Analysis, _author_keys, _Codes, _hash, _Ids, _joins, words

ANALYSER = Analyser(read_glossary(PACKAGE_DATA / "glossary.toml"))
PIECES = st.sampled_from(
    [
        "Tri",
        "Dao",
        "Hervé",
        "Jégou",
        "Schütze",
        "Ｍａｍｂａ",
        "张三",
        "模型编辑",
        "lora的改进",
        "O'Neil-Smith",
        "van der",
        "_x_",
        "2023",
        "GPT4",
        "the",
        "of",
        "Straße",
        "İstanbul",
        "ﬁne",
        " ",
        "-",
        ".",
        ",",
        "\t",
    ]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=8).map(" ".join)
AUTHORS = st.lists(TEXTS, max_size=5).map(tuple)


def _analysis() -> _Analysis:
    return _Analysis(ANALYSER, ())


@given(TEXTS)
def test_one_pass_gives_the_words_and_the_terms(text: str) -> None:
    assert _analysis().split(text) == (list(words(text)), ANALYSER.terms(text))


@given(AUTHORS, st.integers(0, 2**31))
def test_a_papers_authors_in_a_batch_are_each_authors(authors: tuple[str, ...], i: int) -> None:
    names: list[int] = []
    joins: list[int] = []
    flat, terms, first = _analysis().authors(authors, i, names, joins)
    assert flat == [w for a in authors for w in words(a)]
    assert terms == [t for a in authors for t in ANALYSER.terms(a)]
    assert first == (ANALYSER.terms(authors[0]) if authors else [])
    keys = [k for k in _author_keys(Paper(id="x", title="x", authors=authors)) if len(k) >= 2]
    assert sorted(names) == sorted(_hash(k) << 32 | i for k in keys)
    pairs = [w for a in authors for w in _joins(words(a))]
    assert sorted(joins) == sorted(_hash(w) << 32 | i for w in pairs)


@given(st.lists(st.tuples(TEXTS, st.integers(0, 50)), max_size=30), st.lists(TEXTS, max_size=10))
def test_the_id_table_answers_as_a_dict_filled_in_paper_order(
    pairs: list[tuple[str, int]], probes: list[str]
) -> None:
    filled: dict[str, int] = {}
    for key, paper in sorted(pairs, key=lambda kv: kv[1]):
        filled.setdefault(key, paper)
    table = _Ids(filled)
    for key in [*filled, *probes, ""]:
        assert table.get(key) == filled.get(key)
        under = key + "/"
        assert table.first_under(under) == next(
            (paper for k, paper in filled.items() if k.startswith(under)), None
        )


@given(st.dictionaries(TEXTS, st.lists(st.integers(0, 2**31), min_size=1, max_size=4)))
def test_the_name_table_answers_as_a_dict_of_codes(codes: dict[str, list[int]]) -> None:
    table = _Codes(codes)
    for key, held in codes.items():
        assert list(table.get(key)) == held
    assert list(table.get("\U0010ffff no such name")) == []


def test_links_of_any_site_with_keys_still_give_them() -> None:
    # Marks in any case, a bare ACL id (no slash), and a text beyond ASCII.
    assert link_keys("HTTPS://DOI.ORG/10.18653/V1/P19-1355") == [
        "doi:10.18653/v1/p19-1355",
        "acl:p19-1355",
    ]
    assert link_keys("P19-1355") == ["acl:p19-1355"]
    assert link_keys("https://OpenReview.net/forum?id=abc") == ["openreview:abc"]
    assert link_keys("https://doi.org/10.1234/ſ") == ["doi:10.1234/ſ"]
    assert link_keys("https://arxiv.org/abs/2305.13048") == []
    assert link_keys("https://github.com/x/y") == []
