"""The index build's shortcuts give what the definitions give (issue 14). The build reads
every paper's texts at once, in arrays (`bot.search._Reading`, `FieldIndex.from_columns`);
here each result is checked against the plain definition, paper by paper, on hostile text
(accents, Chinese, full-width letters, NUL, punctuation, digits): the whole index against
a paper-by-paper build, and each shortcut against the function it stands for."""

from __future__ import annotations

import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.catalogue.names import arxiv_id_from_url, arxiv_id_in_text
from bot.chinese import read_glossary
from bot.citations import link_keys
from bot.config import PACKAGE_DATA
from bot.metadata.models import PaperMetadata
from bot.models import Catalogue, Paper, Section
from bot.retrieval import Analyser, FieldIndex, stem, stems
from bot.search import (
    _KIND,
    _SPELT_NAMES,
    FIELD_WEIGHTS,
    RARITY_FIELDS,
    SearchIndex,
    _author_keys,
    _Codes,
    _compacts,
    _crc_shifted,
    _first_of,
    _hash,
    _Ids,
    _Keys,
    _paper_joins,
    _repo_name,
    _Spellings,
    _url_key,
    _url_keys,
    compact,
    words,
)
from tests.strategies import PROPERTY, SECTION, TEXT, metadata, papers

GLOSSARY = read_glossary(PACKAGE_DATA / "glossary.toml")
ANALYSER = Analyser(GLOSSARY)
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
        "self-rag",
        "arXiv:2305.13048",
        "https://arxiv.org/abs/2106.09685",
        " ",
        "-",
        ".",
        ",",
        ":",
        "\t",
        "\x00",
    ]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=8).map(" ".join)
NAMES = st.lists(TEXTS, max_size=5).map(tuple)


@st.composite
def catalogues(draw: st.DrawFn) -> tuple[Catalogue, dict[str, tuple[str, ...]]]:
    """A few papers (hostile text, shared sections, some ids alike) and nicknames."""
    sections = draw(st.lists(SECTION, max_size=3))
    plain = st.builds(
        Paper,
        id=st.sampled_from(["a", "b", "2305.13048"]),
        title=TEXTS,
        authors=NAMES,
        venue=st.sampled_from(["", "ACL", "NeurIPS 2023", "中文期刊"]),
        pdf=st.none() | st.just("https://arxiv.org/abs/2305.13048v2"),
        code=st.none()
        | st.sampled_from(["https://github.com/x/Self-RAG", "https://github.com/y/z.git"]),
        arxiv_id=st.none() | st.sampled_from(["2305.13048", "2106.09685"]),
        sections=st.just(tuple(s.slug for s in sections)),
    )
    listed = draw(st.lists(st.one_of(plain, papers(sections)), max_size=6))
    ids = sorted({p.id for p in listed}) or ["a"]
    aliases = draw(
        st.dictionaries(
            st.sampled_from(ids), st.lists(st.one_of(TEXTS, TEXT), max_size=3).map(tuple)
        )
    )
    return Catalogue(tuple(listed), tuple(sections)), aliases


def _keys(table: _Keys) -> list[str]:
    return [table[k] for k in range(len(table))]


def plain_word_channel(
    catalogue: Catalogue, aliases: Mapping[str, Iterable[str]]
) -> dict[str, Any]:
    """The word channel's tables by their definitions, one paper after another."""
    postings: dict[str, dict[int, int]] = defaultdict(dict)
    naming: dict[str, dict[int, int]] = {}
    arxiv: dict[str, int] = {}
    urls: dict[str, int] = {}
    keys: dict[str, int] = {}
    author_names: list[int] = []
    joined: list[int] = []
    section_words = {s.slug: words(f"{s.heading} {s.name} {s.chapter}") for s in catalogue.sections}
    repos = [_repo_name(p.code) if p.code else None for p in catalogue.papers]
    repo_count = Counter(r for r in repos if r)
    for i, p in enumerate(catalogue.papers):
        place = dict.fromkeys([*words(p.title), *(w for a in p.authors for w in words(a))], 0)
        for s in p.sections:
            for w in section_words.get(s, ()):
                place.setdefault(w, 1)
        for w in words(p.venue):
            place.setdefault(w, 2)
        head = p.title.split(":", 1)[0]
        named = []
        if head != p.title and len(head.split()) <= 6:
            named.append((head, "title head"))
        if len(p.title) <= 40:
            named.append((p.title, "title"))
        if repos[i] and repo_count[repos[i]] == 1:
            named.append((repos[i], "code repository"))
        for alias in aliases.get(p.id, ()):
            if (found := arxiv_id_in_text(alias)) and compact(alias) == compact(found):
                arxiv.setdefault(found, i)
                continue
            named.append((alias, "nickname"))
            place.update(dict.fromkeys(words(alias), 0))
        for w, weight in place.items():
            postings[w][i] = i << 2 | weight
        for text, why in named:
            if len(key := compact(text)) >= 2:
                held = naming.setdefault(key, {})
                held[i] = min(held.get(i, 7), _KIND[why])
        author_names += [_hash(k) << 32 | i for k in _author_keys(p) if len(k) >= 2]
        joined += [_hash(w) << 32 | i for w in _paper_joins(p)]
        if p.arxiv_id:
            arxiv[p.arxiv_id] = i
        for url in (p.pdf, p.code, *p.links):
            if url:
                urls.setdefault(_url_key(url), i)
                if found := arxiv_id_from_url(url):
                    arxiv.setdefault(found, i)
                for key in link_keys(url):
                    keys.setdefault(key, i)
    spelt = {_KIND[why] for why in _SPELT_NAMES}
    return {
        "postings": {w: list(held.values()) for w, held in postings.items()},
        "names": {key: [i << 3 | kind for i, kind in held.items()] for key, held in naming.items()},
        "spelt names": _Spellings(
            key for key, held in naming.items() if spelt & set(held.values())
        )._buckets,
        "author names": sorted(author_names),
        "joined": sorted(joined),
        "arxiv": arxiv,
        "urls": urls,
        "keys": keys,
    }


def word_channel(index: SearchIndex) -> dict[str, Any]:
    """The same tables of a built index."""
    return {
        "postings": {w: list(codes) for w, codes in index._postings.items()},
        "names": {key: list(index._names.get(key)) for key in _keys(index._names)},
        "spelt names": index._spelt_names._buckets,
        "author names": list(index._author_names),
        "joined": list(index._joined),
        "arxiv": {key: index._arxiv.get(key) for key in _keys(index._arxiv)},
        "urls": {key: index._urls.get(key) for key in _keys(index._urls)},
        "keys": {key: index._keys.get(key) for key in _keys(index._keys)},
    }


def plain_rows(
    catalogue: Catalogue,
    aliases: Mapping[str, Iterable[str]],
    meta: Mapping[str, PaperMetadata],
) -> list[list[list[str]]]:
    """Each paper's terms of every field, by `Analyser.terms`."""
    terms = ANALYSER.terms
    by_slug = {s.slug: s for s in catalogue.sections}
    rows = []
    for p in catalogue.papers:
        listed = [by_slug[s] for s in p.sections if s in by_slug]
        repo = _repo_name(p.code) if p.code else None
        m = meta.get(p.id)
        rows.append(
            [
                terms(p.title),
                [t for a in aliases.get(p.id, ()) if not arxiv_id_in_text(a) for t in terms(a)],
                [t for a in p.authors for t in terms(a)],
                terms(p.authors[0]) if p.authors else [],
                terms(repo.replace("-", " ").replace("_", " ")) if repo else [],
                [t for s in listed for t in terms(f"{s.name} {s.slug}")],
                [t for s in listed for t in terms(f"{s.heading} {s.chapter}")],
                terms(p.venue),
                terms(m.tldr) if m else [],
                terms(m.abstract) if m else [],
            ]
        )
    return rows


def plain_field_index(
    rows: Sequence[Sequence[Sequence[str]]], weights: Mapping[str, float], b: float, rarity: Any
) -> dict[str, Any]:
    """BM25F's postings by their definition: a loop over the documents, term by term."""
    fields = tuple(weights)
    n = len(rows)
    average = [(sum(len(r[k]) for r in rows) / n if n else 0.0) or 1.0 for k in range(len(fields))]
    postings: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    for i, row in enumerate(rows):
        tf: dict[str, float] = {}
        held: dict[str, int] = {}
        for k, terms in enumerate(row):
            norm = weights[fields[k]] / ((1 - b) + b * len(terms) / average[k])
            for term in terms:
                tf[term] = tf[term] + norm if term in tf else norm
                held[term] = held.get(term, 0) | 1 << k
        for term, t in tf.items():
            postings[term].append((i, t, held[term]))
    primary = sum(1 << k for k, f in enumerate(fields) if rarity is None or f in rarity)
    state: dict[str, Any] = {"ids": {}, "starts": [0], "docs": [], "impacts": [], "masks": []}
    state["idf"] = []
    for term, listed in postings.items():
        state["ids"][term] = len(state["idf"])
        df = sum(1 for _, _, m in listed if m & primary) or len(listed)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        state["idf"].append(idf)
        state["docs"] += [d for d, _, _ in listed]
        state["impacts"] += [idf * (t / (1.2 + t)) for _, t, _ in listed]
        state["masks"] += [m for _, _, m in listed]
        state["starts"].append(len(state["docs"]))
    return state


def field_state(index: FieldIndex) -> dict[str, Any]:
    return {
        "ids": index._ids,
        "starts": list(index._starts),
        "docs": list(index._docs),
        "impacts": list(index._impacts),
        "masks": list(index._masks),
        "idf": list(index._idf),
    }


def _as_float32(state: dict[str, Any]) -> dict[str, Any]:
    from array import array

    return {**state, "impacts": list(array("f", state["impacts"]))}


@PROPERTY
@given(catalogues(), st.data())
def test_the_build_gives_the_index_of_the_definitions(
    made: tuple[Catalogue, dict[str, tuple[str, ...]]], data: st.DataObject
) -> None:
    catalogue, aliases = made
    meta = {p.id: data.draw(metadata(p.id)) for p in catalogue.papers if data.draw(st.booleans())}
    index = SearchIndex(catalogue, aliases, GLOSSARY, meta)
    assert word_channel(index) == plain_word_channel(catalogue, aliases)
    rows = plain_rows(catalogue, aliases, meta)
    plain = _as_float32(plain_field_index(rows, FIELD_WEIGHTS, 0.6, RARITY_FIELDS))
    assert field_state(index._fields) == plain
    assert (
        field_state(SearchIndex(catalogue, aliases, GLOSSARY).with_metadata(meta)._fields) == plain
    )


@given(
    st.lists(st.lists(st.lists(st.sampled_from("abcdefg"), max_size=6), min_size=3, max_size=3)),
    st.sampled_from([None, {"x"}, {"y", "z"}]),
)
def test_the_postings_in_arrays_are_the_loop_over_documents(
    rows: list[list[list[str]]], rarity: set[str] | None
) -> None:
    weights = {"x": 3.0, "y": 1.0, "z": 0.05}
    built = FieldIndex.from_rows(rows, weights, b=0.6, rarity=rarity)
    assert field_state(built) == _as_float32(plain_field_index(rows, weights, 0.6, rarity))


@given(
    st.lists(st.one_of(PIECES, st.text(max_size=8), st.from_regex(r"[a-z]{1,6}s?", fullmatch=True)))
)
def test_the_stems_of_many_words_are_each_words_stem(ws: list[str]) -> None:
    folded = [w for text in ws for w in words(text)]
    assert stems(folded) == [stem(w) for w in folded]


@given(st.binary(max_size=40), st.binary(max_size=300))
def test_a_hash_written_on_is_the_hash_of_the_text_written_together(a: bytes, b: bytes) -> None:
    import numpy as np

    shifted = _crc_shifted(np.array([zlib.crc32(a)], dtype=np.uint32), np.array([len(b)]))
    assert int(shifted[0]) ^ zlib.crc32(b) == zlib.crc32(a + b)


@given(st.lists(TEXTS, max_size=12))
def test_compact_in_a_batch_is_compact(texts: list[str]) -> None:
    assert _compacts(texts) == [compact(t) for t in texts]


@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from("abcd")), max_size=20))
def test_first_of_is_setdefault_in_order(pairs: list[tuple[int, str]]) -> None:
    filled: dict[str, int] = {}
    for i, key in pairs:
        filled.setdefault(key, i)
    assert _first_of(pairs) == filled


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
    import numpy as np

    keys = list(codes)
    spans = np.cumsum([0, *(len(codes[k]) for k in keys)])
    flat = np.array([c for k in keys for c in codes[k]], dtype=np.uint32)
    for table in (_Codes(codes), _Codes.of_arrays(keys, flat, spans)):
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


def test_the_build_reads_sections_and_venues_once_for_all_papers() -> None:
    sections = (Section("s", "模型编辑", "Model editing", "大语言模型"),)
    listed = tuple(
        Paper(id=str(k), title=f"Paper {k}", venue="ACL", sections=("s",)) for k in range(3)
    )
    index = SearchIndex(Catalogue(listed, sections), {}, GLOSSARY)
    assert list(index._postings["acl"]) == [k << 2 | 2 for k in range(3)]
    assert list(index._postings["model"]) == [k << 2 | 1 for k in range(3)]


@given(
    st.lists(
        st.one_of(TEXTS, st.sampled_from(["HTTPS://WWW.X.org/A/.git/", " http://y.git ", "www."])),
        max_size=8,
    )
)
def test_link_keys_in_a_batch_are_each_links_key(urls: list[str]) -> None:
    assert _url_keys(urls) == [_url_key(u) for u in urls]
