"""Ranked retrieval: BM25F over named, weighted text fields, with stemming. Pure.

A document is a mapping of field names to text (`title`, `authors`, `sections`, ...); each
field has a weight. The index is flat: a term's postings are two arrays (document numbers
ascending, and the term's precomputed BM25F impact in each), plus a bit mask of which fields hold
it, for explaining a match. Adding a field (an abstract, a TL;DR) is adding it to the
documents and to `weights`: the ranking code does not change.

A query is a list of *concepts*, each one word of the query with its alternative renderings
(a stem; a Chinese term and its English words from the glossary; an abbreviation and its
expansion). A concept matches a document through its best alternative.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any, TypeVar

import numpy as np
import Stemmer
from numpy.typing import NDArray

from bot.catalogue.names import fold
from bot.chinese import Glossary

Floats = NDArray[np.float64]
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_K1 = 1.2
_PART = 0.6  # how much a rendering counts that is part of a longer one
_RELATED = 0.8  # how much another English word for the same thing counts (`sampling`: `decoding`)
# Words that carry no meaning in a query or a title ("what should I read about ...").
STOP = frozenset(
    """a an the of in on for to with by from at as and or is are was were be been it its this
    that these those what which who whom whose how why when where do does did can could should
    would will shall may might must i me my we our you your any some there here about into over
    under than then so such not no vs via per each paper papers article articles read reading
    recommend recommended show find list give tell know known good best main key work works
    please pls like other more most also using use used handle handles handling deal
    deals""".split()
)
_VOWEL = re.compile("[aeiouy]")
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """This thread's English stemmer: PyStemmer's are not to be shared between threads, and
    queries are answered (and indexes built) in worker threads."""
    found: Stemmer.Stemmer | None = getattr(_local, "stemmer", None)
    if found is None:
        found = _local.stemmer = Stemmer.Stemmer("english")
    return found


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a folded English word; digits stay as they are. The
    plural of an abbreviation loses its s, which Snowball keeps for want of a vowel (`rnns`,
    `llms`)."""
    if word.isdigit():
        return word
    if _abbreviations(word):
        return word[:-1]
    return str(_stemmer().stemWord(word))


def _abbreviations(word: str) -> bool:
    """An abbreviation's plural (`rnns`): an s after letters without a vowel."""
    return len(word) >= 3 and word[-1] == "s" and not _VOWEL.search(word[:-1])


def stems(words: Sequence[str]) -> list[str]:
    """`stem` of each word, with one call of the stemmer for them all (an index build
    meets tens of thousands of words, each once). A stemmer of its own, without a cache:
    one that words pass once only slows, and grows; and a stemmer is for one thread."""
    out: list[str] = Stemmer.Stemmer("english", 0).stemWords(words)
    for k, word in enumerate(words):
        if _abbreviations(word):
            out[k] = word[:-1]
        elif word.isdigit() or out[k] == word:  # the word's own string: kept once, not twice
            out[k] = word
    return out


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else fold(unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class Concept:
    """One word of a query: its alternative renderings (each a tuple of terms, all of which
    a document must hold to match it fully) and how much each counts (0-1)."""

    word: str
    alternatives: tuple[tuple[str, ...], ...]
    factors: tuple[float, ...]


class Analyser:
    """Text -> index terms, and queries -> concepts, with a glossary for Chinese."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        # The glossary's English entries by stem too: `documents` finds `document`'s.
        self._related = {stem(k): vs for k, vs in glossary.english.items()}

    def terms(self, text: str) -> list[str]:
        """The index terms of a document field: English words stemmed, stop words out,
        Chinese cut into glossary words."""
        out: list[str] = []
        folded = _fold(text)
        for word in _WORD.findall(folded):
            if _CJK.search(word):
                for part in _split_cjk(word):
                    if _CJK.match(part):
                        out += self.glossary.segment(part)
                    elif part not in STOP:
                        out.append(stem(part))
            elif word not in STOP:
                out.append(stem(word))
        return out

    def concepts(self, text: str) -> list[Concept]:
        """The concepts of a query, in order."""
        out: list[Concept] = []
        for word in _WORD.findall(_fold(text)):
            parts = _split_cjk(word) if _CJK.search(word) else [word]
            for part in parts:
                if _CJK.match(part):
                    out += [self._chinese(w) for w in self.glossary.segment(part)]
                elif part not in STOP and part not in self.glossary.stop:
                    out.append(self._english(part))
        return out

    def _chinese(self, word: str) -> Concept:
        return self._concept(word, [(word,)], self.glossary.english_of(word))

    def _english(self, word: str) -> Concept:
        """An English word, with the glossary's other words for it (an abbreviation's
        expansion, a synonym of the field), which count a little less than the word."""
        st = stem(word)
        renderings = self.glossary.english.get(word) or self._related.get(st, ())
        return self._concept(word, [(st,)], renderings, _RELATED)

    def _concept(
        self,
        word: str,
        alternatives: list[tuple[str, ...]],
        renderings: Iterable[str],
        rendered: float = 1.0,
    ) -> Concept:
        """A concept of a word's own terms (`alternatives`) and its renderings' terms, which
        count `rendered`."""
        own = len(alternatives)
        for rendering in renderings:
            terms = tuple(self.terms(rendering))
            if terms and terms not in alternatives:
                alternatives.append(terms)
        # A rendering that is part of a longer one ("long" of "long context") is vaguer.
        factors = tuple(
            (1.0 if k < own else rendered)
            * (
                _PART
                if any(set(alt) < set(other) for other in alternatives if other is not alt)
                else 1.0
            )
            for k, alt in enumerate(alternatives)
        )
        return Concept(word, tuple(alternatives), factors)


def _split_cjk(word: str) -> list[str]:
    """A word of mixed scripts cut where Chinese starts and stops ("lora的改进" -> lora, 的改进)."""
    return [p for p in re.split(f"({_CJK.pattern})", word) if p]


@dataclass(frozen=True, slots=True)
class Ranked:
    """What a query scored: BM25F scores and the share of the query's weight each document
    holds (its coverage, 0-1), for the documents that hold any of it."""

    scores: dict[int, float]
    coverage: dict[int, float]
    weight: float  # the query's total weight (sum of its concepts' idf)


@dataclass(frozen=True, slots=True)
class Column:
    """One field of all documents: the numbers of their terms (in a vocabulary the columns
    share), document after document, and how many terms each document has."""

    terms: NDArray[np.int64]
    counts: NDArray[np.int64]


_Key = TypeVar("_Key", bound=Hashable)


class Numbering(dict[_Key, int]):
    """Values (strings) numbered as first met: looking a new one up numbers it."""

    def __missing__(self, value: _Key) -> int:
        number = self[value] = len(self)
        return number

    def numbers(self, values: Iterable[_Key]) -> NDArray[np.int64]:
        """The numbers of some values, in order."""
        return np.fromiter(map(self.__getitem__, values), dtype=np.int64)


_NONE = np.zeros(0, dtype=np.int64)


class FieldIndex:
    """BM25F over documents of named fields. `weights` gives each field's weight; a field
    missing from a document is empty there."""

    def __init__(
        self,
        documents: Sequence[Mapping[str, Sequence[str]]],
        weights: Mapping[str, float],
        b: float = 0.6,
        rarity: Iterable[str] | None = None,
    ) -> None:
        """`rarity` names the fields whose documents set how rare a term is (all by
        default): a term any of them holds is as rare as they say, however many long
        fields (abstracts) also use it; a term only the others hold is rare by theirs."""
        self.fields = tuple(weights)
        rows = [[d.get(f, ()) for f in self.fields] for d in documents]
        built = self.from_rows(rows, weights, b, rarity)
        self.__dict__.update(vars(built))

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[Sequence[Sequence[str]]],
        weights: Mapping[str, float],
        b: float = 0.6,
        rarity: Iterable[str] | None = None,
    ) -> FieldIndex:
        """The index of documents given as rows: each document's terms per field, in the
        order of `weights` (what `__init__` makes of mappings)."""
        vocabulary = Numbering[str]()
        columns = []
        for k in range(len(weights)):
            documents = [row[k] for row in rows]
            counts = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
            terms = vocabulary.numbers(list(chain.from_iterable(documents)))
            columns.append(Column(terms, counts))
        return cls.from_columns(list(vocabulary), columns, weights, b, rarity)

    @classmethod
    def from_columns(
        cls,
        vocabulary: Sequence[str],
        columns: Sequence[Column],
        weights: Mapping[str, float],
        b: float = 0.6,
        rarity: Iterable[str] | None = None,
    ) -> FieldIndex:
        """The index of documents given field by field, in the order of `weights`, as
        numbers of terms of `vocabulary` (distinct strings; a large list's build makes no
        list per document and field, nor a string per term it meets)."""
        index = cls.__new__(cls)
        index.fields = tuple(weights)
        index._build(vocabulary, columns, weights, b, rarity)
        return index

    def _build(
        self,
        vocabulary: Sequence[str],
        columns: Sequence[Column],
        weights: Mapping[str, float],
        b: float,
        rarity: Iterable[str] | None,
    ) -> None:
        """The postings of all terms at once, in arrays: each term's documents ascending,
        terms numbered in the order they first occur (by document, field, then position)
        and a term's frequency in a document summed in that order (as a loop over the
        documents would: the same floats)."""
        if len(self.fields) > 16:
            raise ValueError("at most 16 fields")
        if len(columns) != len(self.fields) or len({c.counts.size for c in columns}) > 1:
            raise ValueError("a column of every document per field")
        n = self._n = columns[0].counts.size if columns else 0
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        # The weighted, length-normalised frequency an occurrence adds (BM25F's), by field
        # and document; where each occurrence is in the order of documents, fields and
        # positions (its document, field and position in one number), to number the terms
        # as first met.
        keep = 1 - b
        norms = np.zeros((n, 16))  # by cell: document << 4 | field
        longest = 1 + max(int(c.counts.max(initial=0)) for c in columns)
        cells, places = [], []
        for k, column in enumerate(columns):
            lengths = column.counts
            average = (int(lengths.sum()) / n if n else 0.0) or 1.0
            norms[:, k] = weights[self.fields[k]] / (
                keep + b * lengths.astype(np.float64) / average
            )
            held = np.repeat(np.arange(n, dtype=np.int64), lengths)
            at = np.arange(held.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            cells.append(held << 4 | k)
            places.append(cells[-1] * longest + at)
        term = np.concatenate([*(c.terms for c in columns), _NONE])
        first = np.full(len(vocabulary), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, term, np.concatenate([*places, _NONE]))
        met = np.flatnonzero(first < np.iinfo(np.int64).max)
        by_first = met[np.argsort(first[met])]
        rank = np.zeros(len(vocabulary), dtype=np.int64)
        rank[by_first] = np.arange(by_first.size)
        # The occurrences by term, document and field: one sort of one number, term << bits
        # | cell (a term's occurrences in one field of a document add the same, in any order).
        bits = 4 + max(n, 1).bit_length()
        key = np.sort(rank[term] << bits | np.concatenate([*cells, _NONE]))
        term, cell = key >> bits, key & ((1 << bits) - 1)
        doc, field = cell >> 4, cell & 15
        norm = norms.reshape(-1)[cell]
        # A posting per term and document: its frequency (summed in order) and fields.
        new = np.ones(doc.size, dtype=np.bool_)
        new[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
        starts = np.flatnonzero(new)
        posting = np.cumsum(new) - 1
        tf = np.bincount(posting, weights=norm, minlength=starts.size)
        held_in = np.left_shift(1, field)
        masks = np.bitwise_or.reduceat(held_in, starts) if starts.size else held_in
        held_term, held_doc = term[starts], doc[starts]
        spans = np.bincount(held_term, minlength=by_first.size)
        primary = sum(1 << k for k, f in enumerate(self.fields) if rarity is None or f in rarity)
        df = np.bincount(held_term[(masks & primary) != 0], minlength=by_first.size)
        df = np.where(df > 0, df, spans)
        dfs, of_df = np.unique(df, return_inverse=True)
        idf = np.array(
            [math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in dfs.tolist()], dtype=np.float64
        )[of_df]
        met_terms = map(vocabulary.__getitem__, by_first.tolist())
        self._ids: dict[str, int] = dict(zip(met_terms, range(by_first.size), strict=True))
        # All terms' postings in three flat arrays, a term's at its span of `_starts`: a few
        # objects whatever the list's size, cheap to keep, store and read back.
        ends = np.concatenate([[0], np.cumsum(spans)])
        self._starts = array("I", ends.astype(np.uint32).tobytes())
        self._docs = array("I", held_doc.astype(np.uint32).tobytes())
        impacts = idf[held_term] * (tf / (_K1 + tf))
        self._impacts = array("f", impacts.astype(np.float32).tobytes())
        self._masks = array("H", masks.astype(np.uint16).tobytes())  # a bit per field
        self._idf = array("d", idf.tobytes())

    def __contains__(self, term: str) -> bool:
        return term in self._ids

    def terms(self) -> Iterable[str]:
        """Every term of the index."""
        return self._ids.keys()

    def idf(self, term: str) -> float:
        """How rare a term is; a term no document holds is rarest."""
        k = self._ids.get(term)
        return self._idf[k] if k is not None else self.max_idf

    def postings(self, term: str) -> int:
        """How many documents hold a term."""
        k = self._ids.get(term)
        return self._starts[k + 1] - self._starts[k] if k is not None else 0

    def rank(self, concepts: Iterable[Concept]) -> Ranked:
        """Score every document holding some of the concepts."""
        scores, coverage, total = self.rank_arrays(concepts)
        held = np.flatnonzero(scores).tolist()
        return Ranked(
            dict(zip(held, scores[held].tolist(), strict=True)),
            dict(zip(held, coverage[held].tolist(), strict=True)),
            total,
        )

    def rank_arrays(self, concepts: Iterable[Concept]) -> tuple[Floats, Floats, float]:
        """`rank` as two arrays over all documents (0 for those holding none of the
        concepts) and the query's total weight: a common term's documents are scored in
        native code, not one by one (tens of thousands of them at 100,000 papers)."""
        n = self._n
        scores = np.zeros(n)
        coverage = np.zeros(n)
        docs = np.frombuffer(self._docs, dtype=np.uint32)
        impacts = np.frombuffer(self._impacts, dtype=np.float32)
        total = 0.0
        best_score = np.zeros(n)
        best_share = np.zeros(n)
        for concept in concepts:
            weight = self._weight(concept)
            total += weight
            parts = []
            for alt, factor in zip(concept.alternatives, concept.factors, strict=True):
                spans = [
                    (self._starts[k], self._starts[k + 1])
                    for k in (self._ids.get(t) for t in alt)
                    if k is not None
                ]
                if not spans:
                    continue
                held_docs: NDArray[np.integer[Any]]
                if len(spans) == 1:  # a term's documents are distinct: no summing needed
                    lo, hi = spans[0]
                    held_docs = docs[lo:hi]
                    value = impacts[lo:hi].astype(np.float64) * (factor / len(alt))
                    share = np.full(hi - lo, factor * 1 / len(alt))
                else:  # an alternative of several terms (an expansion) counts their mean
                    summed = np.zeros(n)
                    count = np.zeros(n, dtype=np.int64)
                    for lo, hi in spans:
                        summed[docs[lo:hi]] += impacts[lo:hi]
                        count[docs[lo:hi]] += 1
                    held_docs = np.flatnonzero(count)
                    value = summed[held_docs] * (factor / len(alt))
                    share = factor * count[held_docs] / len(alt)
                np.maximum.at(best_score, held_docs, value)
                np.maximum.at(best_share, held_docs, share)
                parts.append(held_docs)
            if sum(p.size for p in parts) * 8 > n:  # most documents: whole arrays
                scores += best_score
                np.multiply(best_share, weight, out=best_share)
                coverage += best_share
                best_score.fill(0.0)
                best_share.fill(0.0)
            elif parts:  # a few: the same, for those only (a document listed twice adds once)
                hit = np.concatenate(parts)
                scores[hit] += best_score[hit]
                coverage[hit] += best_share[hit] * weight
                best_score[hit] = 0.0
                best_share[hit] = 0.0
        if total:
            coverage /= total
        return scores, coverage, total

    def _weight(self, concept: Concept) -> float:
        """A concept weighs what its rarest rendering the index knows weighs; one the index
        knows nothing of weighs most ("banana" is all the query asked for)."""
        known = [alt for alt in concept.alternatives if any(t in self._ids for t in alt)]
        return max(
            (sum(self.idf(t) for t in alt) / len(alt) for alt in known), default=self.max_idf
        )

    def coverage(self, concepts: Iterable[Concept], doc: int) -> float:
        """The share of some concepts' weight one document holds, as `rank` counts it (1 for
        no concepts: nothing asked, nothing missing)."""
        total = held = 0.0
        for concept in concepts:
            weight = self._weight(concept)
            total += weight
            held += weight * max(
                factor * sum(1 for t in alt if self.fields_of(t, doc)) / len(alt)
                for alt, factor in zip(concept.alternatives, concept.factors, strict=True)
            )
        return held / total if total else 1.0

    def fields_of(self, term: str, doc: int) -> list[str]:
        """The fields of a document that hold a term."""
        k = self._ids.get(term)
        if k is None:
            return []
        lo, hi = self._starts[k], self._starts[k + 1]
        j = bisect_left(self._docs, doc, lo, hi)
        if j == hi or self._docs[j] != doc:
            return []
        mask = self._masks[j]
        return [f for n, f in enumerate(self.fields) if mask & (1 << n)]
