"""bot.bibtex: valid BibTeX for any paper, and the real list's golden entries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given

from bot.bibtex import citation
from bot.models import Catalogue, Paper
from tests.strategies import PROPERTY, papers

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


def test_a_doi_from_the_metadata_is_added() -> None:
    paper = Paper(id="x", title="T", authors=("A B",), venue="ICML", year=2020)
    bib = citation(paper, doi="10.1145/361002.361007")
    assert "  doi = {10.1145/361002.361007}\n}" in bib
    assert is_valid_bibtex(bib)
    assert "doi" not in citation(paper)


@PROPERTY
@given(papers())
def test_any_citation_is_valid(paper: Paper) -> None:
    assert is_valid_bibtex(citation(paper))


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
