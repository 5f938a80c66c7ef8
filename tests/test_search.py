"""Search: every kind of query readers type, table-driven over the real list."""

from __future__ import annotations

import os
import pickle

import pytest

from bot.catalogue.aliases import read_aliases
from bot.chinese import read_glossary
from bot.metadata.models import Facts, PaperMetadata
from bot.models import Catalogue
from bot.retrieval import stem
from bot.search import AuthorIndex, SearchIndex, compact, decide, normalise, rank_sections, words
from tests.conftest import DATA
from tests.fake_metadata import abstract_of


@pytest.fixture(scope="module")
def index(full: Catalogue) -> SearchIndex:
    return SearchIndex(
        full, read_aliases(DATA / "aliases.toml"), read_glossary(DATA / "glossary.toml")
    )


def title_of(index: SearchIndex, query: str) -> str:
    best = index.search(query).best
    assert best is not None, query
    return best.paper.title


@pytest.mark.parametrize(
    ("query", "title"),
    [
        # a model or method name from the title
        ("rwkv", "RWKV: Reinventing RNNs for the Transformer Era"),
        ("mamba", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"),
        ("qlora", "QLoRA: Efficient Finetuning of Quantized LLMs"),
        (
            "self-rag",
            "Self-rag: Learning to retrieve, generate, and critique through self-reflection",
        ),
        ("llama 2", "Llama 2: Open Foundation and Fine-Tuned Chat Models"),
        ("palm 2", "PaLM 2 Technical Report"),
        # a nickname that is not in the title
        ("t5", "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer"),
        ("gpt-3", "Language models are few-shot learners"),
        ("chinchilla", "Training Compute-Optimal Large Language Models"),
        ("instructgpt", "Training language models to follow instructions with human feedback"),
        ("lstm", "Long Short-Term Memory"),
        ("rome", "Locating and Editing Factual Associations in GPT"),
        # arXiv ids and links
        ("2305.13048", "RWKV: Reinventing RNNs for the Transformer Era"),
        (
            "arxiv.org/abs/2312.00752",
            "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
        ),
        ("https://arxiv.org/pdf/1706.03762v7", "Attention is all you need"),
        (
            "https://arxiv.org/abs/1810.04805",
            "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        ),
        # typos, missing spaces or hyphens
        ("atention is all you need", "Attention is all you need"),
        ("robrta", "RoBERTa: A Robustly Optimized BERT Pretraining Approach"),
        (
            "selfrag",
            "Self-rag: Learning to retrieve, generate, and critique through self-reflection",
        ),
        ("rwvk", "RWKV: Reinventing RNNs for the Transformer Era"),
        # a few words of the title
        ("scaling laws", "Scaling laws for neural language models"),
        ("lost in the middle", "Lost in the middle: How language models use long contexts"),
        ("key-value memories", "Transformer Feed-Forward Layers Are Key-Value Memories"),
        # authors, any order or accent, and with a title word
        ("vaswani", "Attention is all you need"),
        ("tri dao", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"),
        ("kaplan scaling", "Scaling laws for neural language models"),
        ("wolpert", "No free lunch theorems for optimization"),
        # case, punctuation, extra spaces and full-width characters never matter
        ("  MAMBA!!  ", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"),
        ("ｒｗｋｖ", "RWKV: Reinventing RNNs for the Transformer Era"),
        ("「QLoRA」", "QLoRA: Efficient Finetuning of Quantized LLMs"),
        ("what is qlora?", "QLoRA: Efficient Finetuning of Quantized LLMs"),
        (
            "非 transformer 架构 mamba",
            "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
        ),
    ],
)
def test_the_right_paper_comes_first(index: SearchIndex, query: str, title: str) -> None:
    assert title_of(index, query) == title


@pytest.mark.parametrize(
    ("query", "count"),
    [("albert gu", 3), ("gu albert", 3), ("dora", 2), ("schutze", 2), ("colin raffel", 7)],
)
def test_several_papers_that_fit_equally_are_all_offered(
    index: SearchIndex, query: str, count: int
) -> None:
    result = index.search(query)
    assert result.ambiguous
    assert len(result.close) == count
    assert len(result.hits) >= count


def test_a_clear_answer_is_not_ambiguous(index: SearchIndex) -> None:
    for query in ("rwkv", "mamba", "tri dao", "t5", "2305.13048"):
        assert not index.search(query).ambiguous, query


def test_autocomplete_while_typing_finds_the_paper_from_a_prefix(index: SearchIndex) -> None:
    assert title_of(index, "mamb").startswith("Mamba")
    assert title_of(index, "chinchil").startswith("Training Compute-Optimal")
    assert title_of(index, "rw").startswith("RWKV")  # from the second keystroke
    assert title_of(index, "ql").startswith("QLoRA")


def test_an_unknown_arxiv_id_is_reported_not_guessed(index: SearchIndex) -> None:
    result = index.search("https://arxiv.org/abs/2401.99999v2")
    assert result.hits == ()
    assert result.unknown_arxiv == "2401.99999"


def test_a_paper_id_from_autocomplete_is_exact(index: SearchIndex, full: Catalogue) -> None:
    for paper in full.papers:
        result = index.search(paper.id)
        assert result.best is not None and result.best.paper == paper


def test_code_and_pdf_links_find_their_paper(index: SearchIndex) -> None:
    assert title_of(index, "https://github.com/state-spaces/mamba").startswith("Mamba")
    assert title_of(index, "github.com/BlinkDL/RWKV-LM/").startswith("RWKV")


@pytest.mark.parametrize("query", ["", "   ", "!!!", "xyzzyqwv", "\u200b", "😀"])
def test_nonsense_finds_nothing_and_never_raises(index: SearchIndex, query: str) -> None:
    assert index.search(query).hits == ()


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("language models", 25).hits) == 25
    assert len(index.search("language models", 3).hits) == 3


def test_normalisation() -> None:
    assert normalise("Ｓｃｈüｔｚｅ") == "schutze"
    assert compact("Self-RAG") == compact("self rag") == "selfrag"
    assert words("低秩适配 LoRA") == ("低", "秩", "适", "配", "lora")


@pytest.mark.parametrize(
    "query",
    [
        "non-transformer",
        "Non-Transformer architectures",
        "非 Transformer 架构",
        "non transformer",
        "NON TRANSFORMER",
    ],
)
def test_sections_by_slug_name_or_heading(full: Catalogue, query: str) -> None:
    assert rank_sections(full, query)[0].slug == "non-transformer"


def test_section_typos_and_partial_names(full: Catalogue) -> None:
    assert rank_sections(full, "chain of thougth")[0].slug == "chain-of-thought"
    assert rank_sections(full, "思维链")[0].slug == "chain-of-thought"
    assert rank_sections(full, "decoder")[0].slug == "decoder-only"
    assert rank_sections(full, "zzzzqqq") == []
    assert len(rank_sections(full, "")) == 25


def test_authors_any_order_and_accent(full: Catalogue) -> None:
    authors = AuthorIndex(full)
    assert authors.rank("schutze")[0] == ("Hinrich Schütze", 2)
    assert authors.rank("gu albert")[0] == ("Albert Gu", 3)
    assert authors.rank("herve jegou")[0] == ("Hervé Jégou", 2)
    assert authors.rank("schmidhubr")[0] == ("Jürgen Schmidhuber", 1)  # a typo
    assert authors.rank("vasw")[0] == ("Ashish Vaswani", 1)  # typing
    assert authors.rank("nobody-at-all") == []
    assert len(authors.rank("")) == 25


def test_papers_by_author_in_list_order(full: Catalogue) -> None:
    titles = [p.title for p in AuthorIndex(full).papers("Albert Gu")]
    assert titles[-1].startswith("Mamba")
    assert len(titles) == 3


@pytest.mark.parametrize(
    ("query", "decision"),
    [
        ("rwkv", "card"),  # a name
        ("2305.13048", "card"),  # an id
        ("https://aclanthology.org/N19-1423/", "card"),  # a link the list has elsewhere
        ("lost in the middle", "card"),  # words only one title has
        (
            "Hochreiter S, Schmidhuber J. Long short-term memory[J]. Neural computation, 1997.",
            "card",
        ),
        ("state space models", "list"),  # a topic several papers share
        ("什么是上下文学习", "list"),
        ("banana", "none"),
        ("mistral 7b", "none"),  # a famous paper that is not in the list
        ("今天天气怎么样", "none"),
        ("2020", "none"),  # a year is evidence, never enough alone
    ],
)
def test_decide_card_list_or_none(index: SearchIndex, query: str, decision: str) -> None:
    assert decide(index.search(query, 25)) == decision


@pytest.mark.parametrize(
    ("query", "paper_id"),
    [
        ("rwkv paper", "2305.13048"),
        ("bert paper", "bert-pre-training-of-deep-bidirectional-transformer-e80dd0d8"),
        ("mamba 是什么", "2312.00752"),
        ("what is lora", "2106.09685"),
        ("lora 论文", "2106.09685"),
        ("openai codex", "2107.03374"),  # one word beside a name says who made it
        ("lora low rank adaptation", "2106.09685"),  # the other words are the paper's
        ("iclr 2022 lora", "2106.09685"),
        ("tri dao mamba", "2312.00752"),
    ],
)
def test_a_name_with_words_of_no_meaning_or_its_own_is_a_card(
    index: SearchIndex, query: str, paper_id: str
) -> None:
    result = index.search(query, 25)
    assert result.best is not None and result.best.paper.id == paper_id
    assert decide(result) == "card"


@pytest.mark.parametrize(
    "query",
    [
        "bert for protein folding alphafold",
        "reinforcement learning from ai feedback with llama 3 for robotics control",
        "gpt-2 for generating poetry in french",
        "TinyBERT: Distilling BERT for Natural Language Understanding",
        "用 lora 微调 扩散模型",  # the Chinese words count too
        "bert 用于 医学 图像 分割",
        "bert 剪枝 蒸馏",  # "bert剪枝" nearly spells "bert": 剪枝 is still a word of its own
    ],
)
def test_a_name_inside_a_query_about_something_else_is_no_card(
    index: SearchIndex, query: str
) -> None:
    """The name lends the query no more confidence than the share of the other words its
    paper holds: a list to choose from at most."""
    result = index.search(query, 25)
    assert decide(result) != "card"
    assert result.confidence < 0.85


@pytest.mark.parametrize(
    ("query", "paper_id"),
    [
        (
            "retrieval augmented generation",
            "retrieval-augmented-generation-for-knowledge-intens-a107e7a2",
        ),
        (
            "reinforcement learning from human feedback",
            "training-language-models-to-follow-instructions-wit-758a7cda",
        ),  # RLHF
        ("dense passage retrieval", "2004.04906"),  # DPR
    ],
)
def test_a_query_spelling_out_a_nickname_finds_its_paper_first(
    index: SearchIndex, query: str, paper_id: str
) -> None:
    result = index.search(query, 25)
    assert result.best is not None and result.best.paper.id == paper_id


def test_words_no_title_holds_find_papers_through_the_fields_other_words(
    index: SearchIndex,
) -> None:
    """`[english]` of the glossary: "compression" is work on efficient models, "decoding"
    is sampling; an abbreviation's plural is the abbreviation (`rnns`, `llms`)."""
    best = index.search("survey of model compression", 25).best
    assert best is not None and best.paper.id == "2312.03863"
    decoding = index.search("decoding strategies for text generation", 25).best
    assert decoding is not None and decoding.paper.id in {"1904.09751", "1610.02424"}
    assert stem("rnns") == "rnn" and stem("llms") == "llm" and stem("models") == "model"


def test_a_citation_with_an_arxiv_id_the_list_lacks_is_found_by_its_title(
    index: SearchIndex,
) -> None:
    result = index.search(
        "OpenAI. (2023). GPT-4 technical report. arXiv preprint arXiv:2303.08774."
    )
    assert result.best is not None and result.best.paper.id == "gpt-4-technical-report"
    assert decide(result) == "card"


def test_a_famous_citation_not_in_the_list_gets_no_card(index: SearchIndex) -> None:
    cited = "He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image recognition. In CVPR."
    assert decide(index.search(cited)) != "card"


def test_hits_say_which_fields_matched(index: SearchIndex) -> None:
    hit = index.search("mixture of experts").hits[0]
    assert dict(hit.matched)["title"] == ("mixture", "experts")
    hit = index.search("低秩适配 survey").hits[0]
    assert "低秩适配" in dict(hit.matched)["heading"]


def test_a_word_only_an_abstract_holds_finds_its_paper(index: SearchIndex) -> None:
    """The metadata's abstracts and TL;DRs are searched (issue 12), below the titles."""
    rwkv = index.catalogue.paper("2305.13048")
    assert rwkv is not None
    abstract = abstract_of(rwkv.title, rwkv.id)
    word = next(w for w in abstract.split() if w.startswith("zq"))
    assert not index.search(word).hits  # no title, author or name holds it
    meta = {rwkv.id: PaperMetadata(rwkv.id, arxiv=Facts(abstract=abstract))}
    found = index.with_metadata(meta).search(word)
    assert found.best is not None and found.best.paper.id == rwkv.id
    assert ("abstract", (word,)) in found.best.matched
    tldr = {rwkv.id: PaperMetadata(rwkv.id, scholar=Facts(tldr=f"A {word} for RNNs."))}
    best = index.with_metadata(tldr).search(word).best
    assert best is not None and best.paper.id == rwkv.id
    assert not index.search(word).hits  # the index it was made from is unchanged


def test_a_title_outranks_an_abstract_that_mentions_it(index: SearchIndex) -> None:
    """An abstract naming another paper's topic does not take that paper's place."""
    lstm = index.catalogue.paper("long-short-term-memory")
    assert lstm is not None
    others = [p for p in index.catalogue.papers if p.id != lstm.id][:50]
    noisy = {
        p.id: PaperMetadata(p.id, arxiv=Facts(abstract=f"Unlike long short-term memory, {p.title}"))
        for p in others
    }
    best = index.with_metadata(noisy).search("long short-term memory").best
    assert best is not None and best.paper.id == lstm.id


def test_a_stored_index_answers_as_the_one_built(index: SearchIndex) -> None:
    """`dumps` and `loads` (the index kept with its catalogue, issue 14) lose nothing."""
    again = SearchIndex.loads(index.dumps(), index.catalogue, index.aliases, index.glossary)
    queries = [q for q in ("rwkv", "tri dao", "dao tri", "selfrag", "mamb", "atention")]
    queries += [p.title[:25] for p in index.catalogue.papers[::7]]
    for query in queries:
        assert again.search(query, 10) == index.search(query, 10), query
    rebuilt = again.with_metadata({})  # the fields built again from what was read back
    assert rebuilt.search("papers on mixture of experts") == index.search(
        "papers on mixture of experts"
    )


def test_a_stored_index_is_only_read_for_its_catalogue(index: SearchIndex, full: Catalogue) -> None:
    data = index.dumps()
    shorter = Catalogue(papers=full.papers[:-1], sections=full.sections)
    with pytest.raises(ValueError, match="another catalogue"):
        SearchIndex.loads(data, shorter, index.aliases, index.glossary)
    for junk in (b"", b"junk", pickle.dumps(os.getcwd), pickle.dumps({"_n": len(full.papers)})):
        with pytest.raises(ValueError):
            SearchIndex.loads(junk, full, index.aliases, index.glossary)
