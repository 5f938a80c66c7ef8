"""BM25F over named fields, with plain documents."""

from __future__ import annotations

from bot.chinese import Glossary
from bot.retrieval import Analyser, FieldIndex

GLOSSARY = Glossary(
    terms={"混合专家": ("mixture of experts",), "长文本": ("long context", "long")},
    stop=frozenset({"论文"}),
    english={"llm": ("large language model",)},
)
ANALYSER = Analyser(GLOSSARY)


def index(docs: list[dict[str, str]], weights: dict[str, float]) -> FieldIndex:
    return FieldIndex([{f: ANALYSER.terms(text) for f, text in d.items()} for d in docs], weights)


def best(ix: FieldIndex, query: str) -> int:
    ranked = ix.rank(ANALYSER.concepts(query))
    return max(ranked.scores, key=lambda d: ranked.scores[d])


DOCS = [
    {"title": "Handling long documents with sparse attention", "venue": "ICLR"},
    {"title": "Mixture-of-Experts language models", "section": "long context"},
    {"title": "Evaluating large language models trained on code"},
]


def test_stemming_finds_other_forms_of_a_word() -> None:
    ix = index(DOCS, {"title": 3.0, "section": 1.0, "venue": 1.0})
    assert best(ix, "handle document") == 0
    assert best(ix, "evaluation of LLMs") == 2  # llm -> large language model


def test_a_field_joins_by_its_weight_alone() -> None:
    docs = [
        {"title": "Sparse models", "abstract": "nothing"},
        {"title": "Dense models", "abstract": "sparse"},
    ]
    assert best(index(docs, {"title": 3.0}), "sparse") == 0
    assert best(index(docs, {"title": 3.0, "abstract": 1.0}), "sparse") == 0
    assert best(index(docs, {"title": 1.0, "abstract": 5.0}), "sparse") == 1


def test_coverage_is_the_share_of_the_query_held() -> None:
    ix = index(DOCS, {"title": 3.0, "section": 1.0, "venue": 1.0})
    ranked = ix.rank(ANALYSER.concepts("mixture of experts banana"))
    assert 0.2 < ranked.coverage[1] < 0.8  # banana is in no document, and weighs most
    assert ix.rank(ANALYSER.concepts("mixture experts")).coverage[1] == 1.0


def test_chinese_query_words_are_looked_up_in_english() -> None:
    ix = index(DOCS, {"title": 3.0, "section": 1.0, "venue": 1.0})
    assert best(ix, "混合专家 论文") == 1
    ranked = ix.rank(ANALYSER.concepts("长文本"))
    assert ranked.coverage[1] == 1.0 and ranked.coverage[0] < 1.0  # "long" alone is vaguer


def test_fields_of_a_match_explain_it() -> None:
    ix = index(DOCS, {"title": 3.0, "section": 1.0, "venue": 1.0})
    assert ix.fields_of("iclr", 0) == ["venue"]
    assert ix.fields_of("long", 1) == ["section"]
    assert ix.fields_of("long", 2) == []


def test_each_thread_stems_with_a_stemmer_of_its_own() -> None:
    """PyStemmer's stemmers are not to be shared between threads; queries are answered in
    worker threads, beside an index being built in another."""
    from concurrent.futures import ThreadPoolExecutor

    from bot import retrieval

    here = retrieval._stemmer()
    assert retrieval._stemmer() is here
    with ThreadPoolExecutor(2) as pool:
        there = pool.submit(retrieval._stemmer).result()
    assert there is not here
    assert here.stemWord("transformers") == there.stemWord("transformers") == "transform"
