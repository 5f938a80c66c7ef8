"""Pasted citations and other sites' links, read with plain strings."""

from __future__ import annotations

import pytest

from bot.citations import arxiv_doi, link_keys, parse_citation, slug_words


@pytest.mark.parametrize(
    ("text", "title", "surname", "year"),
    [
        (  # APA
            "Hu, E. J., Shen, Y., & Chen, W. (2022). LoRA: Low-rank adaptation of large language models. In ICLR.",
            "LoRA: Low-rank adaptation of large language models",
            "hu",
            2022,
        ),
        (  # MLA
            'Vaswani, Ashish, et al. "Attention is all you need." Advances in neural information processing systems 30 (2017).',
            "Attention is all you need",
            "vaswani",
            2017,
        ),
        (  # Chicago, curly quotes
            "Brown, Tom, and Benjamin Mann. “Language Models Are Few-Shot Learners.” NeurIPS 33 (2020): 1877–1901.",
            "Language Models Are Few-Shot Learners",
            "brown",
            2020,
        ),
        (  # GB/T 7714
            "Gu A, Dao T. Mamba: Linear-time sequence modeling with selective state spaces[J]. arXiv preprint arXiv:2312.00752, 2023.",
            "Mamba: Linear-time sequence modeling with selective state spaces",
            "gu",
            2023,
        ),
        (  # GB/T 7714, conference
            "Meng K, Bau D, Andonian A, et al. Locating and editing factual associations in GPT[C]//NeurIPS. 2022.",
            "Locating and editing factual associations in GPT",
            "meng",
            2022,
        ),
        (  # BibTeX, nested braces
            "@article{k, title={{Scaling} laws for neural language models}, author={Kaplan, Jared and McCandlish, Sam}, year={2020}}",
            "Scaling laws for neural language models",
            "kaplan",
            2020,
        ),
        (  # Google Scholar result line
            "Chain-of-thought prompting elicits reasoning in large language models J Wei, X Wang, D Schuurmans… - Advances in neural …, 2022",
            "Chain-of-thought prompting elicits reasoning in large language models",
            "wei",
            2022,
        ),
        (  # Vancouver
            "Frankle J, Carbin M. The lottery ticket hypothesis: Finding sparse, trainable neural networks. ICLR 2019.",
            "The lottery ticket hypothesis: Finding sparse, trainable neural networks",
            "frankle",
            2019,
        ),
    ],
)
def test_citation_styles(text: str, title: str, surname: str, year: int) -> None:
    citation = parse_citation(text)
    assert citation is not None
    assert citation.title == title
    assert surname in citation.surnames
    assert citation.year == year


@pytest.mark.parametrize("text", ["rwkv", "papers on mixture of experts", "什么是上下文学习"])
def test_queries_are_not_citations(text: str) -> None:
    assert parse_citation(text) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("10.18653/v1/N19-1423", "acl:n19-1423"),
        ("https://aclanthology.org/N19-1423.pdf", "acl:n19-1423"),
        ("P19-1355", "acl:p19-1355"),
        ("2021.acl-long.1", "acl:2021.acl-long.1"),
        ("https://www.aclweb.org/anthology/2020.acl-main.703/", "acl:2020.acl-main.703"),
        ("https://doi.org/10.1561/1500000019", "doi:10.1561/1500000019"),
        ("https://dl.acm.org/doi/abs/10.1145/361002.361007", "doi:10.1145/361002.361007"),
        ("https://openreview.net/forum?id=vDFA1tpuLvk", "openreview:vDFA1tpuLvk"),
        (
            "https://papers.nips.cc/paper/2020/hash/1457c0d6bfcb4967418bfb8ac142f64a-Abstract.html",
            "nips:1457c0d6bfcb4967418bfb8ac142f64a",
        ),
        ("https://proceedings.mlr.press/v202/kandpal23a/kandpal23a.pdf", "pmlr:v202/kandpal23a"),
        ("https://ojs.aaai.org/index.php/AAAI/article/view/25160/24932", "aaai:25160"),
    ],
)
def test_link_keys(text: str, key: str) -> None:
    assert key in link_keys(text)


def test_arxiv_doi_and_title_slugs() -> None:
    assert arxiv_doi("https://doi.org/10.48550/arXiv.2005.14165") == "2005.14165"
    assert slug_words("https://papers.nips.cc/paper/7181-attention-is-all-you-need") == (
        "attention is all you need"
    )
    assert slug_words("https://paperswithcode.com/paper/mamba-linear-time") == "mamba linear time"
    assert slug_words("https://example.org/paper/x") is None
