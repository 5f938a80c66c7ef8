"""Chinese in queries and headings: segmentation and the Chinese-English glossary. Pure.

Chinese is written without spaces, so a run of characters is cut into words by a segmenter
(rjieba, the Rust port of jieba), and the words are then made to agree with the curated
glossary (`data/glossary.toml`): neighbouring pieces that form a glossary term are joined
("多" + "模态" is 多模态), and a piece the glossary does not know is cut into the longest
glossary terms it contains ("大模型剪枝" is 大模型 + 剪枝). Words that carry no meaning in a
query ("哪篇", "怎么", "是什么") are dropped; the others are looked up in English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

_LONGEST = 12  # characters of the longest glossary term looked for inside a piece


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per load
class Glossary:
    """Chinese terms with their English renderings, and the words that mean nothing in a
    query. Also English abbreviations of the field with their expansions (`llm`)."""

    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()
    english: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word the glossary knows, stop words included."""
        return frozenset(self.terms) | self.stop

    def english_of(self, word: str) -> tuple[str, ...]:
        """The English renderings of a Chinese term (empty when unknown)."""
        return self.terms.get(word, ())

    def segment(self, run: str) -> list[str]:
        """The words of a run of Chinese characters, glossary terms kept whole and words
        that mean nothing dropped."""
        return [w for w in _segment(self, run) if w not in self.stop]


def read_glossary(path: Path) -> Glossary:
    """The glossary from its TOML file: `stop = [...]`, `[terms]` (Chinese -> English) and
    `[english]` (abbreviation -> expansions). A missing file is an empty glossary."""
    if not path.exists():
        return Glossary()
    with path.open("rb") as f:
        data = tomllib.load(f)
    return Glossary(
        terms={str(k): tuple(str(v) for v in vs) for k, vs in data.get("terms", {}).items()},
        stop=frozenset(str(w) for w in data.get("stop", ())),
        english={str(k): tuple(str(v) for v in vs) for k, vs in data.get("english", {}).items()},
    )


@lru_cache(maxsize=1 << 14)
def _segment(glossary: Glossary, run: str) -> tuple[str, ...]:
    import rjieba  # on first use: its dictionary is 35 MB and a fifth of a second to load

    known = glossary.vocabulary
    pieces = [p for p in rjieba.cut(run) if p.strip()]
    joined = _join_known(pieces, known)
    out: list[str] = []
    for piece in joined:
        out += [piece] if piece in known else _longest_terms(piece, known)
    return tuple(out)


def _join_known(pieces: list[str], known: frozenset[str]) -> list[str]:
    """Neighbouring pieces joined where together they are a glossary term, longest first."""
    out: list[str] = []
    k = 0
    while k < len(pieces):
        for n in range(min(6, len(pieces) - k), 1, -1):
            joined = "".join(pieces[k : k + n])
            if joined in known:
                out.append(joined)
                k += n
                break
        else:
            out.append(pieces[k])
            k += 1
    return out


def _longest_terms(piece: str, known: frozenset[str]) -> list[str]:
    """A piece the glossary does not know, cut into the longest terms it contains (forward
    maximum matching); characters of no term are kept as they are, one by one."""
    out: list[str] = []
    k = 0
    while k < len(piece):
        for n in range(min(_LONGEST, len(piece) - k), 0, -1):
            if piece[k : k + n] in known or n == 1:
                out.append(piece[k : k + n])
                k += n
                break
    # A piece with no glossary term in it at all stays whole: it is a word of its own.
    if all(len(w) == 1 and w not in known for w in out):
        return [piece]
    return out


def all_words(glossary: Glossary, texts: Iterable[str]) -> set[str]:
    """Every Chinese word the segmenter gives for some texts (for checking coverage)."""
    found: set[str] = set()
    for text in texts:
        for run in _cjk_runs(text):
            found.update(_segment(glossary, run))
    return found


def _cjk_runs(text: str) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for c in text:
        if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff":
            current.append(c)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs
