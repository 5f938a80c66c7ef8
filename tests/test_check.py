"""`readinglist-bot check`: findings name the line, the list's value and the metadata's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.catalogue import SectionTable, parse_catalogue
from bot.metadata.check import Finding, canonical_link, check_list
from bot.metadata.models import Facts, PaperMetadata
from bot.models import Catalogue
from tests.conftest import FULL_LIST

LIST = """\
## Chapter
### Section A
1. **Attention is all you need.** `NeurIPS`
   *Ashish Vaswani, Noam Shazeer.* [[PDF](https://arxiv.org/abs/1706.03762v5)], 2017.
2. **Triforce: lossless acceleration with hierarchical speculative decodingr.** `arXiv`
   *Hanshi Sun, Zhuoming Chen.* [[PDF](https://arxiv.org/abs/2404.11912)], 2024.
3. **Attention is all you need.** `NeurIPS`
   *Ashish Vaswani, Noam Shazeer.* [[PDF](https://arxiv.org/abs/1706.03762)], 2017.
4. **RWKV: Reinventing RNNs for the Transformer Era.**
   *Bo Peng, Someone Else.* [[PDF](https://arxiv.org/abs/2305.13048)][[Code](https://github.com/x/y?utm_source=feed)]
5. **Long Short-Term Memory.** `Neural Computing`
   *Sepp Hochreiter, Jürgen Schmidhuber.* [[PDF](https:///x.pdf)], 1995.
### Section B
1. **Attention is all you need.** `NeurIPS`
   *Ashish Vaswani, Noam Shazeer.* [[PDF](https://arxiv.org/abs/1706.03762)], 2017.
"""

METADATA = {
    "1706.03762": PaperMetadata(
        "1706.03762",
        arxiv=Facts(
            title="Attention Is All You Need", authors=("Ashish Vaswani", "Noam Shazeer"), year=2017
        ),
    ),
    "2404.11912": PaperMetadata(
        "2404.11912",
        arxiv=Facts(
            title="TriForce: Lossless Acceleration with Hierarchical Speculative Decoding",
            authors=("Hanshi Sun", "Zhuoming Chen"),
            year=2024,
            published="2024-04-18",
        ),
    ),
    "2305.13048": PaperMetadata(
        "2305.13048",
        arxiv=Facts(
            title="RWKV: Reinventing RNNs for the Transformer Era",
            authors=("Bo Peng", "Eric Alcaide", "Quentin Anthony"),
            year=2023,
            published="2023-05-22",
        ),
        scholar=Facts(venue="EMNLP", year=2023),
    ),
    "long-short-term-memory": PaperMetadata(
        "long-short-term-memory",
        scholar=Facts(
            title="Long Short-Term Memory", authors=("S. Hochreiter", "J. Schmidhuber"), year=1997
        ),
    ),
}


@pytest.fixture
def findings() -> list[Finding]:
    catalogue = parse_catalogue(LIST, "list.md", SectionTable())
    return check_list([("list.md", LIST)], catalogue, METADATA)


def test_each_kind_of_finding_with_its_line_and_both_values(findings: list[Finding]) -> None:
    got = {(f.line, f.kind): (f.listed, f.expected, f.expected_from) for f in findings}
    assert got == {
        (3, "link"): (
            "https://arxiv.org/abs/1706.03762v5",
            "https://arxiv.org/abs/1706.03762",
            "canonical form",
        ),
        (5, "title"): (
            "Triforce: lossless acceleration with hierarchical speculative decodingr.",
            "TriForce: Lossless Acceleration with Hierarchical Speculative Decoding",
            "arXiv",
        ),
        (7, "duplicate"): ("Attention is all you need.", "line 3", "first listed"),
        (9, "authors"): (
            "Bo Peng, Someone Else",
            "Bo Peng, Eric Alcaide, Quentin Anthony",
            "arXiv",
        ),
        (9, "missing-year"): (
            "",
            "2023 (arXiv, first version 2023-05-22); 2023 (Semantic Scholar)",
            "metadata",
        ),
        (9, "missing-venue"): ("", "EMNLP", "Semantic Scholar"),
        (9, "link"): (
            "https://github.com/x/y?utm_source=feed",
            "https://github.com/x/y",
            "canonical form",
        ),
        (11, "year"): ("1995", "1997 (Semantic Scholar)", "metadata"),
        (11, "link"): ("https:///x.pdf", "(not a web link)", "canonical form"),
    }  # the same paper in another section is no duplicate; case alone is no title finding


def test_a_finding_reads_well_and_is_json(findings: list[Finding]) -> None:
    title = next(f for f in findings if f.kind == "title")
    assert title.lines() == [
        "list.md:5: title differs (Triforce: lossless acceleration with hierarchical speculative decoding)",
        "    list:  Triforce: lossless acceleration with hierarchical speculative decodingr.",
        "    arXiv: TriForce: Lossless Acceleration with Hierarchical Speculative Decoding",
    ]
    assert json.loads(json.dumps(title.to_json()))["paper_id"] == "2404.11912"


def test_without_metadata_only_the_list_itself_is_checked() -> None:
    catalogue = parse_catalogue(LIST, "list.md", SectionTable())
    kinds = {f.kind for f in check_list([("list.md", LIST)], catalogue, {})}
    assert kinds == {"duplicate", "link", "missing-year", "missing-venue"}


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://arxiv.org/abs/2305.13048", "https://arxiv.org/abs/2305.13048"),
        ("http://www.arxiv.org/pdf/2305.13048v3.pdf", "https://arxiv.org/pdf/2305.13048"),
        ("https://arxiv.org/html/2404.12457v1", "https://arxiv.org/abs/2404.12457"),
        ("https://www.alphaxiv.org/abs/2305.13048", "https://arxiv.org/abs/2305.13048"),
        ("http://dx.doi.org/10.1145/361002.361007", "https://doi.org/10.1145/361002.361007"),
        ("https://example.org/a?id=1&utm_medium=x", "https://example.org/a?id=1"),
        ("https://openreview.net/pdf?id=vDFA1tpuLvk", "https://openreview.net/pdf?id=vDFA1tpuLvk"),
        ("not a link", None),
    ],
)
def test_canonical_links(url: str, canonical: str | None) -> None:
    assert canonical_link(url) == canonical


def test_the_real_list_typo_is_found(full: Catalogue) -> None:
    text = FULL_LIST.read_text(encoding="utf-8")
    meta = {"2404.11912": METADATA["2404.11912"]}
    findings = check_list([(str(FULL_LIST), text)], full, meta)
    [typo] = [f for f in findings if f.kind == "title"]
    assert typo.line == 938 and typo.listed.endswith("speculative decodingr.")
    links = {f.listed: f.expected for f in findings if f.kind == "link"}
    assert links["https://arxiv.org/html/2404.12457v1"] == "https://arxiv.org/abs/2404.12457"
    assert any("utm_source=pocket_mylist" in link for link in links)
    dupes = [f.line for f in findings if f.kind == "duplicate"]
    assert 230 in dupes  # the 2024 GPT-4 report, twice in a row


def test_check_command_json(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "list.md"
    path.write_text(LIST, encoding="utf-8")
    args = ["--catalogue", str(path), "--db", str(tmp_path / "db")]
    env = {"PATH": "/usr/bin:/bin", "READINGLIST_METADATA": "off"}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--json", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert out.returncode == 1, out.stderr  # findings: exit 1, for CI
    data = json.loads(out.stdout)
    assert data["counts"]["duplicate"] == 1 and data["counts"]["title"] == 0
    assert {"source", "line", "kind", "listed", "expected"} <= set(data["findings"][0])
