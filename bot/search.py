"""Finding papers, sections and authors the way readers ask. Pure: no Discord, no I/O.

One `SearchIndex` per catalogue load serves `/paper`, its autocomplete and the console.
A query is answered, in order of certainty, by:
1. a paper id (what autocomplete sends back), an arXiv id or link, or a PDF/code link;
2. a name of the paper: a curated nickname (`t5`), the part of its title before the colon
   (`RWKV`), its code repository (`self-rag`), compared without spaces or punctuation and
   forgiving typos (`robrta`, `selfrag`);
3. words of the title, authors, aliases and section headings, each query word matched
   exactly, as a prefix (autocomplete while typing) or fuzzily, weighted by rarity (idf).
"""

from __future__ import annotations

import copy
import io
import math
import pickle
import re
import unicodedata
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import accumulate, chain, combinations, islice, pairwise, repeat
from operator import itemgetter
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.catalogue.names import arxiv_id_from_url, arxiv_id_in_text, fold
from bot.chinese import Glossary
from bot.citations import Citation, arxiv_doi, link_keys, parse_citation, slug_words
from bot.collector import collection_paused
from bot.metadata.models import PaperMetadata
from bot.models import Catalogue, Paper, Section
from bot.retrieval import (
    STOP,
    Analyser,
    Column,
    Concept,
    FieldIndex,
    Floats,
    Numbering,
    stem,
    stems,
)

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# An arXiv id anywhere in a query: a bare id, an arxiv.org link or a mirror's (alphaxiv, ar5iv).
_ANY_ARXIV = re.compile(r"(?<![\d])(?<!\d\.)(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)")
_URL = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9.-]+\.[a-z]{2,}/\S*)", re.IGNORECASE)
_LINK_START = re.compile(r"^(?:https?://)?(?:www\.)?")

# Weights of where a query word is found, and of the kinds of names.
_TITLE, _ALIAS, _AUTHOR, _SECTION, _VENUE = 1.0, 1.0, 1.0, 0.35, 0.3
_NICKNAME, _HEAD, _SHORT_TITLE, _AUTHOR_NAME, _REPO = 60.0, 55.0, 50.0, 45.0, 35.0
_SPELT_NAMES = ("nickname", "title head", "code repository")
_CONTEXT = 15.0  # the query names a section or chapter the paper is in
_PREFIX = 0.8  # a query word that is the start of a longer word ("mamb")
_CLOSE = 0.92  # a second hit within this share of the best one fits "about equally"
_FLOOR = 0.45  # hits below this share of the best one are not offered
_BROWSE_FLOOR = 0.05  # ... except when browsing a topic
_BM25 = 60.0  # the BM25F score of the best paper, beside the name and word matching's 100
_NAMED_BM25 = 0.3  # a query that is a name: the words' ranking only orders the namesakes
_NAME_INSIDE = 0.5  # a name inside a longer query none of whose other words the paper holds
_ALL_WORDS = 0.97  # word matching that found (nearly) all of a query's words
_NEAR = 75.0  # a near spelling of a query word counts from this similarity (0-100)
_SPELT_TRUST = 0.9  # a near name or words matched fuzzily are trusted a little less
_YEAR = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-4]\d)(?!\d)")
_CITED_LEAD = 10.0
CITATION_CHARS = 1500  # a pasted reference is read up to this length (BibTeX runs long)
# The confidence floors of `decide`, calibrated on tests/search_eval/questions.toml: a card
# from CARD_FLOOR with a lead of CARD_LEAD over the second paper, a list from LIST_FLOOR.
CARD_FLOOR = 0.85
CARD_LEAD = 0.2
LIST_FLOOR = 0.4
# The fields of the ranked retrieval and their weights: a title word counts most. A new
# field joins by being added here and to `_Reading.columns`. The metadata's TL;DR and
# abstract weigh least: they find a paper by a word no title holds, but are long and mention
# other work, so they must not outrank a title or a name.
FIELD_WEIGHTS = {
    "title": 3.0,
    "aliases": 3.0,
    "authors": 2.0,
    "first_author": 1.0,
    "repo": 2.0,
    "section": 1.0,
    "heading": 1.0,
    "venue": 1.0,
    "tldr": 0.1,
    "abstract": 0.05,
}
# The fields that say how rare a word is: nearly every abstract says "evaluate", which
# makes it no commoner in titles.
RARITY_FIELDS = frozenset(FIELD_WEIGHTS) - {"tldr", "abstract"}
_FIELD_B = 0.6
# Queries are cut to this many characters before matching. No title, name or link a reader
# types is longer, and several steps cost the square of a query's length (fuzzy ratios, the
# link pattern, runs of words naming a section): a pasted 100,000-character text took a minute.
QUERY_CHARS = 300
_NEAREST_CHARS = 150  # of a query, compared with titles by closest()
# "Did you mean": titles scoring at least _NEAREST (WRatio); lists of up to _FULL_SCAN titles
# are scanned whole (about 4 ms), longer ones through a shortlist (see _NearestTitles): the
# titles sharing most letter pairs (the text's rarest, up to _NEAREST_POSTINGS postings),
# one in _NEAREST_PER_RERANK and at most _NEAREST_RERANK, kept to the best _SHORTLIST by
# native ratios (those _NEAREST_MARGIN points short of reaching the score to beat still
# rank); lookups of up to _NEAREST_SUBSETS parts of the text; the _NEAREST_SETS titles of
# fewest words; end windows of texts of up to _NEAREST_EDGE letters.
_NEAREST = 60
_PAIRS_KEPT = 4096
_FULL_SCAN = 1_000
_SHORTLIST = 64
_NEAREST_RERANK = 256
_NEAREST_PER_RERANK = 40  # titles for one reranked
_NEAREST_POSTINGS = 60_000
_NEAREST_SUBSETS = 512
_NEAREST_SETS = 256
_NEAREST_EDGE = 12
_NEAREST_MARGIN = 10


def normalise(text: str) -> str:
    """Case-, accent- and width-folded text (full-width Ｍａｍｂａ is mamba)."""
    if text.isascii():
        return text.lower()
    return fold(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """The words of a text: folded letter/digit runs, Chinese split into characters.
    (Cached: author names and section headings repeat across a list.)"""
    return tuple(w for group in word_groups(text) for w in group)


def word_groups(text: str) -> list[list[str]]:
    """Words grouped as written: a run of Chinese characters is one group of characters
    (Chinese is written without spaces), any other word a group of one."""
    out: list[list[str]] = []
    for word in _WORD.findall(normalise(text)):
        if _CJK.search(word):
            out.append([w for w in re.split(f"({_CJK.pattern})", word) if w])
        else:
            out.append([word])
    return out


def _joins(ws: Sequence[str]) -> list[str]:
    """Each pair of neighbouring words written together: "self rag" gives "selfrag"
    (a reader who types no space, or a list that split a name: "Wolp ert")."""
    return [a + b for a, b in pairwise(ws) if a.isalpha() and b.isalpha()]


class _Spellings:
    """Strings bucketed by length and first letter, to find near spellings of a query fast.

    A typo rarely changes the first letter: a query is compared with the strings of about
    its length that start with its first or second letter (the latter catches a swap of the
    first two, "wrkv" for "rwkv").
    """

    def __init__(self, strings: Iterable[str]) -> None:
        self._buckets: dict[tuple[int, str], list[str]] = defaultdict(list)
        for text in strings:
            self._buckets[len(text), text[0]].append(text)

    def prepare(self) -> None:
        """Make every bucket's letter masks now rather than on first use."""
        for key, pool in self._buckets.items():
            if len(pool) > _MASKED_POOL:
                self._letters(key, pool)

    def __getstate__(self) -> dict[str, Any]:
        return {"_buckets": self._buckets}  # not the letter masks, made again when asked

    def _letters(self, key: tuple[int, str], pool: list[str]) -> NDArray[np.uint64]:
        """The letter masks (`_letter_mask`) of a bucket's strings, made on first use."""
        made: dict[tuple[int, str], NDArray[np.uint64]] = vars(self).setdefault("_masks", {})
        masks = made.get(key)
        if masks is None:
            masks = np.fromiter(map(_letter_mask, pool), dtype=np.uint64, count=len(pool))
            made[key] = masks
        return masks

    def near(self, query: str, limit: int = 10) -> dict[str, float]:
        """Strings within a few edits of `query`, with their similarity (0-100).

        Optimal string alignment counts a swap of neighbours as one edit ("rwvk" is
        "rwkv"); one edit is allowed in four letters, two from five ("lamma" is "llama"),
        three from nine. It runs in rapidfuzz's native code, stopping past those edits.
        """
        edits = 1 if len(query) < 5 else 2 if len(query) < 9 else 3
        found: dict[str, float] = {}
        letters = _letter_mask(query)
        for length in range(len(query) - edits, len(query) + edits + 1):
            for first in dict.fromkeys(query[:2]):
                pool = self._buckets.get((length, first))
                if not pool:
                    continue
                if len(pool) > _MASKED_POOL:
                    # An edit adds or takes away at most two letters (a swap none): a string
                    # whose letters differ from the query's by more is too far.
                    masks = self._letters((length, first), pool)
                    near = np.flatnonzero(np.bitwise_count(masks ^ letters) <= 2 * edits)
                    pool = [pool[j] for j in near.tolist()]
                for text, distance, _ in process.extract(
                    query, pool, scorer=OSA.distance, score_cutoff=edits, limit=limit
                ):
                    found[text] = 100.0 * (1 - distance / max(len(query), len(text)))
        return dict(sorted(found.items(), key=lambda kv: -kv[1])[:limit])


_MASKED_POOL = 64  # strings of a bucket compared with a query one by one, past that filtered


def _letter_mask(text: str) -> int:
    """The letters a text holds, counted to two: bit 2b is set when it holds a letter of
    bin b, bit 2b + 1 when it holds two or more. The bits two texts differ in never exceed
    how many letters must be added or taken away to turn one into the other (capping a
    count at two and sharing 32 bins among all letters only understate it)."""
    mask = 0
    for c, count in Counter(text).items():
        b = 2 * (ord(c) & 31)
        mask |= 1 << b if count == 1 else 3 << b
    return mask


def bounded(query: str) -> str:
    """A query as matching sees it: white space collapsed, at most `QUERY_CHARS` characters,
    before and after normalising (NFKC makes one character as many as 18: U+FDFA)."""
    return normalise(" ".join(query.split())[:QUERY_CHARS])[:QUERY_CHARS]


@lru_cache(maxsize=1 << 18)
def compact(text: str) -> str:
    """Letters and digits only: `Self-RAG`, `self rag` and `selfrag` are all `selfrag`."""
    return "".join(_WORD.findall(normalise(text)))


@dataclass(frozen=True, slots=True)
class Hit:
    """One paper that fits a query, with its score and what matched."""

    paper: Paper
    score: float
    why: str
    # The query's words found in each field of the paper: (("title", ("mixture", ...)), ...).
    matched: tuple[tuple[str, tuple[str, ...]], ...] = ()


# What an answer rests on, most certain first; see `decide`.
EXACT, NAME, CITATION, WORDS = "exact", "name", "citation", "words"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The papers that fit a query, best first."""

    query: str
    hits: tuple[Hit, ...] = ()
    unknown_arxiv: str | None = None  # an arXiv id that is not in the list
    near: tuple[Paper, ...] = ()  # weak matches, offered as "closest" when nothing matched
    basis: str = ""  # EXACT, NAME, CITATION or WORDS: what the best hit rests on
    confidence: float = 0.0  # how sure the best hit is the paper meant (0-1)
    lead: float = 0.0  # how far the best hit is ahead of the second (0-1, 1 for a lone hit)

    @property
    def best(self) -> Hit | None:
        """The best hit, if any."""
        return self.hits[0] if self.hits else None

    @property
    def close(self) -> tuple[Hit, ...]:
        """The hits that fit about as well as the best one (the best included)."""
        if not self.hits:
            return ()
        top = self.hits[0].score
        return tuple(h for h in self.hits if h.score >= top * _CLOSE)

    @property
    def ambiguous(self) -> bool:
        """Several papers fit about equally well."""
        return len(self.close) > 1


# The word channel's weights, kept in two bits of a posting (paper << 2 | weight).
_WORD_WEIGHTS = tuple(sorted({_TITLE, _ALIAS, _AUTHOR, _SECTION, _VENUE}, reverse=True))
# The kinds of names, kept in three bits of a name's entry (paper << 3 | kind).
_NAME_KINDS = (
    (_NICKNAME, "nickname"),
    (_HEAD, "title head"),
    (_SHORT_TITLE, "title"),
    (_AUTHOR_NAME, "author"),
    (_REPO, "code repository"),
)
_KIND = {why: k for k, (_, why) in enumerate(_NAME_KINDS)}


# What `SearchIndex.dumps` keeps: everything built, not what it was built from (the
# catalogue, nicknames and glossary, handed back to `loads`) or is cheaply made from it.
_STORED = (
    "_keys", "_arxiv", "_urls", "_postings", "_names", "_author_names", "_joined",
    "_contexts", "_n", "_max_idf", "_vocab", "_spelt_words", "_spelt_names", "_fields", "_stems",
)  # fmt: skip


class _Restricted(pickle.Unpickler):
    """Unpickles an index's own types only, so a stored index can never run code."""

    _ALLOWED = frozenset(
        {
            ("array", "_array_reconstructor"),
            ("array", "array"),
            ("builtins", "set"),
            ("builtins", "frozenset"),
            ("collections", "defaultdict"),
            ("builtins", "list"),
            ("bot.search", "_Spellings"),
            ("bot.search", "_Ids"),
            ("bot.search", "_Codes"),
            ("bot.retrieval", "FieldIndex"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a search index")
        return super().find_class(module, name)


class _Posting:
    """A word's papers: a sorted array of paper << 2 | weight code, 4 bytes a paper (a dict
    of them took 70 bytes; at 100,000 papers the postings were half the index)."""

    __slots__ = ("codes",)

    def __init__(self, codes: array[int]) -> None:
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes)

    def get(self, i: int, default: float = 0.0) -> float:
        codes = self.codes
        j = bisect_left(codes, i << 2)
        if j < len(codes) and codes[j] >> 2 == i:
            return _WORD_WEIGHTS[codes[j] & 3]
        return default

    def items(self) -> Iterable[tuple[int, float]]:
        weights = _WORD_WEIGHTS
        return ((c >> 2, weights[c & 3]) for c in self.codes)


class _Keys:
    """Strings in sorted order, held as one string and the offsets where each ends, and
    found by their hashes (`_hash`, sorted as hash << 32 | position): at 100,000 papers a
    dict's string and entry took 100-150 bytes a link or id, this the key's length and 12
    bytes, and a key is found in about a microsecond."""

    __slots__ = ("_ends", "_hashes", "_text")

    def __init__(self, keys: list[str]) -> None:
        self._text = "".join(keys)
        self._ends = array("I", accumulate(map(len, keys)))
        crc32 = zlib.crc32
        crc = np.array([crc32(k.encode("utf-8", "surrogatepass")) for k in keys], dtype=np.uint32)
        hashes = _hash_codes(crc, np.arange(len(keys), dtype=np.int64))
        self._hashes = array("Q", np.sort(hashes).tobytes())

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, k: int) -> str:
        return self._text[self._ends[k - 1] if k else 0 : self._ends[k]]

    def _find(self, key: str) -> int | None:
        h = _hash(key)
        hashes = self._hashes
        j = bisect_left(hashes, h << 32)
        while j < len(hashes) and hashes[j] >> 32 == h:
            if self[k := hashes[j] & 0xFFFFFFFF] == key:
                return k
            j += 1
        return None


class _Ids(_Keys):
    """Strings (links, arXiv ids) and the paper each names; `get` as a dict's."""

    __slots__ = ("_values",)

    def __init__(self, ids: Mapping[str, int]) -> None:
        keys = sorted(ids)
        super().__init__(keys)
        self._values = array("I", list(map(ids.__getitem__, keys)))

    def get(self, key: str, default: int | None = None) -> int | None:
        """The paper of `key`, else `default`."""
        k = self._find(key)
        return self._values[k] if k is not None else default

    def first_under(self, prefix: str) -> int | None:
        """The first paper with a key that starts with `prefix` (the first that a dict
        filled in paper order holds)."""
        lo = bisect_left(self, prefix)
        hi = bisect_left(self, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo) if prefix else lo
        return min(self._values[lo:hi]) if hi > lo else None


class _Codes(_Keys):
    """Strings (names) and the codes of each, as `get` of a dict of arrays."""

    __slots__ = ("_codes", "_spans")

    def __init__(self, codes: Mapping[str, list[int]]) -> None:
        keys = sorted(codes)
        super().__init__(keys)
        self._codes = array("I", [c for key in keys for c in codes[key]])
        self._spans = array("I", accumulate((len(codes[key]) for key in keys), initial=0))

    @classmethod
    def of_arrays(cls, keys: list[str], codes: NDArray[np.uint32], spans: Ints) -> _Codes:
        """The table of distinct `keys`, key k holding `codes[spans[k]:spans[k + 1]]`."""
        table = cls.__new__(cls)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        _Keys.__init__(table, [keys[k] for k in order])
        at = np.array(order, dtype=np.int64)
        held, counts = _spread_spans(spans[at], spans[at + 1])
        table._codes = array("I", codes[held].tobytes())
        table._spans = array("I", np.append(0, np.cumsum(counts)).astype(np.uint32).tobytes())
        return table

    def get(self, key: str, default: Iterable[int] = ()) -> Iterable[int]:
        """The codes of `key`, else `default`."""
        k = self._find(key)
        return self._codes[self._spans[k] : self._spans[k + 1]] if k is not None else default


_WEIGHT_ARRAY = np.array(_WORD_WEIGHTS)


def _posting_arrays(
    posting: Mapping[int, float] | _Posting, among: NDArray[np.intp] | None
) -> tuple[NDArray[np.intp], Floats]:
    """A posting's papers and their weights, as arrays; only those `among` some papers
    (sorted indexes) when asked."""
    if not isinstance(posting, _Posting):
        papers = np.fromiter(posting.keys(), dtype=np.intp, count=len(posting))
        posted = np.fromiter(posting.values(), dtype=np.float64, count=len(posting))
        if among is not None:
            keep = _within(papers, among)
            papers, posted = papers[keep], posted[keep]
        return papers, posted
    codes = np.frombuffer(posting.codes, dtype=np.uint32)
    if among is None:
        return (codes >> 2).astype(np.intp), _WEIGHT_ARRAY[codes & 3]
    if among.size * 8 < codes.size:  # a few papers in a long posting: look each one up
        at = np.searchsorted(codes, among.astype(np.uint32) << 2)
        inside = at < codes.size
        at, found = at[inside], among[inside]
        hit = (codes[at] >> 2) == found
        return found[hit], _WEIGHT_ARRAY[codes[at[hit]] & 3]
    papers = (codes >> 2).astype(np.intp)
    keep = _within(papers, among)
    return papers[keep], _WEIGHT_ARRAY[codes[keep] & 3]


def _within(papers: NDArray[np.intp], among: NDArray[np.intp]) -> NDArray[np.bool_]:
    """Which of `papers` are `among` (sorted, not empty)."""
    at = np.minimum(np.searchsorted(among, papers), among.size - 1)
    inside: NDArray[np.bool_] = among[at] == papers
    return inside


def _top(scores: Floats, limit: int) -> list[tuple[int, float]]:
    """The `limit` best-scoring papers (of those scoring above 0), ties in list order."""
    held = np.flatnonzero(scores)
    values = scores[held]
    if held.size > limit > 0:
        kth = np.partition(values, held.size - limit)[held.size - limit]
        above = values > kth
        # Of the papers tied at the cut, those first in the list (`held` is in list order).
        tied = np.flatnonzero(values == kth)[: limit - int(above.sum())]
        above[tied] = True
        held, values = held[above], values[above]
    ranked = sorted(
        zip(held.tolist(), values.tolist(), strict=True), key=lambda kv: (-kv[1], kv[0])
    )
    return ranked[:limit]


def _hash(text: str) -> int:
    """A stable 32-bit hash (the same in every process, unlike `hash`).

    The strings every paper has its own of (author names, words written together: a
    million at 100,000 papers) are kept as one sorted array of hash << 32 | paper, 8 bytes
    each, not as a million strings; a hash only names candidates, which the caller checks
    against the paper (`_candidates`)."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _candidates(table: array[int], text: str) -> set[int]:
    h = _hash(text)
    lo = bisect_left(table, h << 32)
    hi = bisect_left(table, (h + 1) << 32, lo)
    return {v & 0xFFFFFFFF for v in table[lo:hi]}


def _author_keys(p: Paper) -> Iterable[str]:
    """The names an author of a paper is asked by: "tri dao" and "dao tri", not a lone
    surname, compared without spaces."""
    for author in p.authors:
        parts = words(author)
        if len(parts) > 1:
            yield compact(" ".join(parts))
            yield compact(" ".join([parts[-1], *parts[:-1]]))


def _paper_joins(p: Paper) -> Iterable[str]:
    """The neighbouring words of a paper's title and authors, written together."""
    yield from _joins(words(p.title))
    for author in p.authors:
        yield from _joins(words(author))


class _Terms(dict[str, str]):
    """A folded word's index term: its stem, "" for a stop word; each computed once."""

    def __missing__(self, word: str) -> str:
        term = self[word] = "" if word in STOP else stem(word)
        return term


# Plain text (ASCII, no NUL) read a batch at a time: a text's words (`words`) are its runs of
# letters and digits, lowered; `compact` is those runs joined. NUL separates the texts.
_SEPARATOR = "\x00"
_PLAIN_WORDS = bytes(
    ord(chr(c).lower()) if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256)
)
_PLAIN_LOWER = bytes(range(256)).lower()
_PLAIN_NOT_WORD = bytes(c for c in range(1, 128) if not chr(c).isalnum())
Ints = NDArray[np.int64]
_NONE = np.zeros(0, dtype=np.int64)


def _plain_texts(texts: Sequence[str]) -> NDArray[np.bool_]:
    """Which texts a batch reads (ASCII without NUL); the others are read one by one."""
    plain = np.fromiter(map(str.isascii, texts), dtype=np.bool_, count=len(texts))
    if _SEPARATOR in "".join(texts):
        plain &= np.fromiter((_SEPARATOR not in t for t in texts), dtype=np.bool_, count=len(texts))
    return plain


def _plain_words(texts: Sequence[str], plain: NDArray[np.bool_]) -> tuple[list[str], Ints]:
    """The words of texts as plain ones are read (their ASCII letters and digits, lowered;
    any other byte parts words), one text after another, and how many each text has;
    texts that are not plain (`plain`) have none."""
    if not plain.all():
        texts = [t if ok else "" for t, ok in zip(texts, plain.tolist(), strict=True)]
    joined = _SEPARATOR.join(texts).encode("utf-8", "surrogatepass")
    spaced = joined.translate(_PLAIN_WORDS)
    # A word starts where a letter or digit follows a space (or a NUL: the next text).
    letters = np.frombuffer(spaced, dtype=np.uint8) != 32
    starts = letters.copy()
    starts[1:] &= ~letters[:-1]
    ends = np.flatnonzero(np.frombuffer(joined, dtype=np.uint8) == 0)  # of all texts but the last
    text = np.searchsorted(ends, np.flatnonzero(starts))
    counts = np.bincount(text, minlength=len(texts))
    return spaced.decode("ascii").split(), counts


def _compacts(texts: Sequence[str]) -> list[str]:
    """`compact` of each text, plain ones in one batch."""
    plain = _plain_texts(texts)
    if not plain.all() or not texts:
        return [compact(t) for t in texts]
    joined = _SEPARATOR.join(texts).encode("ascii")
    return joined.translate(_PLAIN_LOWER, _PLAIN_NOT_WORD).decode("ascii").split(_SEPARATOR)


def _in_order(owners: Ints, *arrays: Ints) -> tuple[Ints, ...]:
    """Arrays of items reordered by their owners (stable: an owner's items keep their order)."""
    order = np.argsort(owners, kind="stable")
    return (owners[order], *(a[order] for a in arrays))


def _spread(groups: Sequence[Ints], of: Ints) -> tuple[Ints, Ints]:
    """Each item's numbers, item k having those of group `of[k]`, items one after another;
    and how many each has."""
    lengths = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    flat = np.concatenate([*groups, _NONE])
    begins = np.cumsum(lengths) - lengths
    held, counts = _spread_spans(begins[of], begins[of] + lengths[of])
    return flat[held], counts


def _spread_spans(starts: Ints, ends: Ints) -> tuple[Ints, Ints]:
    """The positions of spans `starts[k]:ends[k]`, one span after another, and each one's
    length."""
    counts = ends - starts
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return offsets + np.arange(offsets.size), counts


@lru_cache(maxsize=1)
def _shift_tables() -> NDArray[np.uint32]:
    """Table j (of 32) turns a CRC-32 (`_hash`) of a text into that of the text followed by
    2**j zero bytes, less those bytes' own: four lookups, one per byte of the CRC."""
    zero = zlib.crc32(b"\0")
    table = np.array(
        [zlib.crc32(b"\0", v << 8 * b) ^ zero for b in range(4) for v in range(256)],
        dtype=np.uint32,
    ).reshape(4, 256)
    basis = np.arange(256, dtype=np.uint32) << (8 * np.arange(4, dtype=np.uint32))[:, None]
    tables = [table]
    for _ in range(31):
        tables.append(_shift_by(tables[-1], _shift_by(tables[-1], basis)))
    return np.stack(tables)


def _shift_by(table: NDArray[np.uint32], crc: NDArray[np.uint32]) -> NDArray[np.uint32]:
    out: NDArray[np.uint32] = (
        table[0][crc & 255]
        ^ table[1][(crc >> 8) & 255]
        ^ table[2][(crc >> 16) & 255]
        ^ table[3][crc >> 24]
    )
    return out


def _crc_shifted(crc: NDArray[np.uint32], lengths: Ints) -> NDArray[np.uint32]:
    """The CRC-32s of texts followed by `lengths` bytes, less those bytes' own. A CRC is
    linear: `_hash(a + b) == _crc_shifted(_hash(a), len(b)) ^ _hash(b)` (in bytes), so the
    hashes of names and words written together come from their words' in arrays."""
    tables = _shift_tables()
    out = crc.copy()
    for j in range(int(lengths.max(initial=0)).bit_length()):
        at = np.flatnonzero((lengths >> j) & 1)
        out[at] = _shift_by(tables[j], out[at])
    return out


def _hash_codes(crc: NDArray[np.uint32], papers: Ints) -> NDArray[np.uint64]:
    """`_hash(text) << 32 | paper` of texts."""
    codes: NDArray[np.uint64] = (crc.astype(np.uint64) << np.uint64(32)) | papers.astype(np.uint64)
    return codes


def _run_starts(values: Ints) -> NDArray[np.bool_]:
    """Where each run of equal values starts."""
    new = np.ones(values.size, dtype=np.bool_)
    new[1:] = values[1:] != values[:-1]
    return new


def _first_of(pairs: Iterable[tuple[int, str]]) -> dict[str, int]:
    """Each key with the paper it first comes with (as `setdefault` in order would)."""
    return {key: i for i, key in reversed(list(pairs))}


def _sorted_codes(parts: Sequence[NDArray[np.uint64]]) -> array[int]:
    """Hash codes (`_hash_codes`) sorted, as the index keeps them."""
    return array("Q", np.sort(np.concatenate([*parts, np.zeros(0, np.uint64)])).tobytes())


def _word_postings(
    words: Sequence[str], placed: Sequence[tuple[Ints, Ints, int]], papers: int
) -> dict[str, array[int]]:
    """Each word's postings: paper << 2 | weight code of its weightiest place in the paper
    (the lowest code), papers ascending; `placed` holds words (numbers of `words`) with
    their papers and the weight code of where they are."""
    n = max(papers, 1)
    ids = np.concatenate([_NONE, *(w for w, _, _ in placed)])
    held = np.concatenate([_NONE, *(p for _, p, _ in placed)])
    weight = np.concatenate([_NONE, *(np.full(w.size, c, dtype=np.int64) for w, _, c in placed)])
    keys = np.sort((ids * n + held) * 4 + weight)
    keys = keys[_run_starts(keys >> 2)]
    word, paper = np.divmod(keys >> 2, n)
    codes = (paper << 2 | (keys & 3)).astype(np.uint32)
    starts = np.flatnonzero(_run_starts(word))
    ends = np.append(starts[1:], keys.size) if keys.size else _NONE
    return {
        words[w]: array("I", codes[lo:hi].tobytes())
        for w, lo, hi in zip(word[starts].tolist(), starts.tolist(), ends.tolist(), strict=True)
    }


@dataclass(frozen=True, slots=True)
class _Stream:
    """Words (or terms) of many texts, numbered, text after text, with the text of each;
    and which texts were plain (`_plain_texts`)."""

    ids: Ints
    owners: Ints
    plain: NDArray[np.bool_]

    def counts(self, texts: int) -> Ints:
        """How many each text has."""
        return np.bincount(self.owners, minlength=texts)

    def column(self, owners: Ints, documents: int) -> Column:
        """A field of the ranked retrieval, each text being of document `owners[k]`."""
        return Column(self.ids, np.bincount(owners[self.owners], minlength=documents))


class _Lexicon:
    """The words and terms an index build meets, numbered as met, with what the build asks
    of each word: its term, its hash, its length in bytes and whether it is all letters."""

    def __init__(self, analyser: Analyser) -> None:
        self.analyser = analyser
        self.words = Numbering[str]()
        self.terms = Numbering[str]()
        self._stems = _Terms()
        self._known = 0
        self.term_of = _NONE
        self.crc = np.zeros(0, dtype=np.uint32)
        self.size = _NONE
        self.alpha = np.zeros(0, dtype=np.bool_)

    def read(self, texts: Sequence[str]) -> _Stream:
        """The words of texts, as `words` gives them."""
        plain = _plain_texts(texts)
        found, counts = _plain_words(texts, plain)
        ids = self.words.numbers(found)
        owners = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
        others = np.flatnonzero(~plain).tolist()
        if others:
            read = [self.words.numbers(words(texts[k])) for k in others]
            more = np.repeat(np.array(others, dtype=np.int64), [r.size for r in read])
            owners, ids = _in_order(np.concatenate([owners, more]), np.concatenate([ids, *read]))
        self._learn()
        return _Stream(ids, owners, plain)

    def terms_of(self, texts: Sequence[str], read: _Stream) -> _Stream:
        """The terms of texts (as `Analyser.terms`) whose words are `read`."""
        plain = read.plain
        kept = plain[read.owners] & (self.term_of[read.ids] >= 0)
        ids, owners = self.term_of[read.ids[kept]], read.owners[kept]
        others = np.flatnonzero(~plain).tolist()
        if others:
            found = [self.terms.numbers(self.analyser.terms(texts[k])) for k in others]
            more = np.repeat(np.array(others, dtype=np.int64), [f.size for f in found])
            owners, ids = _in_order(np.concatenate([owners, more]), np.concatenate([ids, *found]))
        return _Stream(ids, owners, plain)

    def split(self, text: str) -> tuple[list[str], list[str]]:
        """The words of a text (as `words`) and its terms (as `Analyser.terms`)."""
        if text.isascii():
            ws = _WORD.findall(text.lower())
            return ws, [t for t in map(self._stems.__getitem__, ws) if t]
        return list(words(text)), self.analyser.terms(text)

    def numbered_terms(self, text: str) -> Ints:
        """A text's terms, numbered."""
        return self.terms.numbers(self.split(text)[1])

    def _learn(self) -> None:
        """What the build asks of the words met since last asked."""
        new = list(islice(self.words, self._known, None))
        if not new:
            return
        self._known += len(new)
        meaningful = [w for w in new if w not in STOP]
        self._stems.update(dict.fromkeys(new, ""))
        self._stems.update(zip(meaningful, stems(meaningful), strict=True))
        found = [self._stems[w] for w in new]
        numbered = self.terms.numbers([t for t in found if t]).tolist()[::-1]
        terms = [numbered.pop() if t else -1 for t in found]
        encoded = [w.encode("utf-8", "surrogatepass") for w in new]
        self.term_of = np.concatenate([self.term_of, np.array(terms, dtype=np.int64)])
        crc = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(new))
        self.crc = np.concatenate([self.crc, crc])
        size = np.fromiter(map(len, encoded), dtype=np.int64, count=len(new))
        self.size = np.concatenate([self.size, size])
        alpha = np.fromiter(map(str.isalpha, new), dtype=np.bool_, count=len(new))
        self.alpha = np.concatenate([self.alpha, alpha])

    def joins(self, read: _Stream, papers: Ints) -> NDArray[np.uint64]:
        """`_hash(w) << 32 | paper` of each pair of neighbouring words of a text that are
        all letters, written together (`_joins`); `papers[k]` is text k's paper."""
        left, right = read.ids[:-1], read.ids[1:]
        pair = np.flatnonzero(
            (read.owners[:-1] == read.owners[1:]) & self.alpha[left] & self.alpha[right]
        )
        left, right = left[pair], right[pair]
        crc = _crc_shifted(self.crc[left], self.size[right]) ^ self.crc[right]
        return _hash_codes(crc, papers[read.owners[pair]])

    def names(self, read: _Stream, papers: Ints) -> NDArray[np.uint64]:
        """`_hash(key) << 32 | paper` of the names plain authors are asked by (see
        `_author_keys`: their words written together, and the last word first)."""
        counts = read.counts(read.plain.size)
        asked = (counts >= 2) & read.plain
        tokens = np.flatnonzero(asked[read.owners])
        ids, owners = read.ids[tokens], read.owners[tokens]
        if not ids.size:
            return np.zeros(0, dtype=np.uint64)
        size, crc = self.size[ids], self.crc[ids]
        last = np.flatnonzero(np.concatenate([owners[1:] != owners[:-1], [True]]))
        firsts = np.concatenate([[0], last[:-1] + 1])
        ends = np.cumsum(size)
        after = np.repeat(ends[last], last - firsts + 1) - ends  # bytes after a word in its name
        family = np.repeat(size[last], last - firsts + 1)
        whole = np.bitwise_xor.reduceat(_crc_shifted(crc, after), firsts)
        rest_parts = _crc_shifted(crc, np.maximum(after - family, 0))
        rest_parts[last] = 0
        rest = np.bitwise_xor.reduceat(rest_parts, firsts)
        rest_size = ends[last] - np.concatenate([[0], ends[last[:-1]]]) - size[last]
        turned = _crc_shifted(crc[last], rest_size) ^ rest
        of = papers[owners[firsts]]
        return np.concatenate([_hash_codes(whole, of), _hash_codes(turned, of)])


class _Reading:
    """Every paper's texts read at once for an index build: the words of all titles, then
    of all authors, as one stream each; a section's or venue's words read once."""

    def __init__(self, papers: Sequence[Paper], sections: Iterable[Section], analyser: Analyser):
        self.papers = papers
        self.lexicon = lexicon = _Lexicon(analyser)
        self.titles = lexicon.read([p.title for p in papers])
        authors = [p.authors for p in papers]
        self.author_names = list(chain.from_iterable(authors))
        counts = np.fromiter(map(len, authors), dtype=np.int64, count=len(papers))
        self.author_paper = np.repeat(np.arange(len(papers), dtype=np.int64), counts)
        self.first_authors = np.cumsum(counts)[counts > 0] - counts[counts > 0]
        self.authors = lexicon.read(self.author_names)
        self._sections = {s.slug: s for s in sections}
        self._listed = Numbering[tuple[str, ...]]()
        self._listed_of = self._listed.numbers(p.sections for p in papers)
        self._venues = Numbering[str]()
        self._venue_of = self._venues.numbers(p.venue for p in papers)

    def sections_words(self) -> tuple[Ints, Ints]:
        """The words of each paper's sections' headings, names and chapters (as `words`),
        with the paper of each."""
        read = {
            s.slug: self.lexicon.words.numbers(words(f"{s.heading} {s.name} {s.chapter}"))
            for s in self._sections.values()
        }
        groups = [
            np.concatenate([_NONE, *(read[s] for s in slugs if s in read)])
            for slugs in self._listed
        ]
        return self._papers_of(groups, self._listed_of)

    def venue_words(self) -> tuple[Ints, Ints]:
        """The words of each paper's venue, with the paper of each."""
        groups = [self.lexicon.words.numbers(words(v)) for v in self._venues]
        return self._papers_of(groups, self._venue_of)

    def _papers_of(self, groups: list[Ints], of: Ints) -> tuple[Ints, Ints]:
        ids, counts = _spread(groups, of)
        return ids, np.repeat(np.arange(of.size, dtype=np.int64), counts)

    def other_author_names(self) -> list[int]:
        """`_hash(key) << 32 | paper` of the names (see `_author_keys`) of the authors
        `_Lexicon.names` does not read."""
        names: list[int] = []
        for k in np.flatnonzero(~self.authors.plain).tolist():
            i = int(self.author_paper[k])
            parts = words(self.author_names[k])
            if len(parts) > 1:
                for key in (compact(" ".join(parts)), compact(" ".join([parts[-1], *parts[:-1]]))):
                    if len(key) >= 2:
                        names.append(_hash(key) << 32 | i)
        return names

    def columns(
        self,
        aliases: Mapping[str, Iterable[str]],
        repos: Sequence[str | None],
        metadata: Mapping[str, PaperMetadata],
    ) -> list[Column]:
        """The papers' terms of every field of `FIELD_WEIGHTS`, in its order (the
        metadata's TL;DR and abstract last), as columns of the lexicon's term numbers."""
        lexicon, papers = self.lexicon, self.papers
        n = len(papers)
        every = np.arange(n, dtype=np.int64)
        titles = lexicon.terms_of([p.title for p in papers], self.titles)
        authors = lexicon.terms_of(self.author_names, self.authors)
        first = np.zeros(len(self.author_names), dtype=np.bool_)
        first[self.first_authors] = True
        leading = np.flatnonzero(first[authors.owners])
        first_authors = _Stream(authors.ids[leading], authors.owners[leading], authors.plain)
        named = [
            (i, [t for a in aliases[p.id] if not arxiv_id_in_text(a) for t in lexicon.split(a)[1]])
            for i, p in enumerate(papers)
            if p.id in aliases
        ]
        nicknames = self._column([i for i, _ in named], [ts for _, ts in named], n)
        coded = [i for i, r in enumerate(repos) if r]
        repo_texts = [str(repos[i]).replace("-", " ").replace("_", " ") for i in coded]
        held = np.array(coded, dtype=np.int64)
        repo_terms = lexicon.terms_of(repo_texts, lexicon.read(repo_texts))
        listed = [self._listed_terms(slugs) for slugs in self._listed]
        venues = [lexicon.numbered_terms(v) for v in self._venues]
        columns = [
            titles.column(every, n),
            nicknames,
            authors.column(self.author_paper, n),
            first_authors.column(self.author_paper, n),
            repo_terms.column(held, n),
            Column(*_spread([s for s, _ in listed], self._listed_of)),
            Column(*_spread([h for _, h in listed], self._listed_of)),
            Column(*_spread(venues, self._venue_of)),
        ]
        for part in ("tldr", "abstract"):
            texts = [getattr(metadata[p.id], part) if p.id in metadata else "" for p in papers]
            columns.append(lexicon.terms_of(texts, lexicon.read(texts)).column(every, n))
        return columns

    def _column(self, papers: list[int], terms: list[list[str]], n: int) -> Column:
        """A field held by a few papers, from their terms."""
        counts = np.zeros(n, dtype=np.int64)
        counts[papers] = [len(t) for t in terms]
        return Column(self.lexicon.terms.numbers(chain.from_iterable(terms)), counts)

    def _listed_terms(self, slugs: tuple[str, ...]) -> tuple[Ints, Ints]:
        """The terms of a paper's sections: of their names and slugs, and of their headings
        and chapters."""
        listed = [self._sections[s] for s in slugs if s in self._sections]
        split = self.lexicon.split
        return (
            self.lexicon.terms.numbers(t for s in listed for t in split(f"{s.name} {s.slug}")[1]),
            self.lexicon.terms.numbers(
                t for s in listed for t in split(f"{s.heading} {s.chapter}")[1]
            ),
        )


@dataclass
class SearchIndex:
    """An in-memory index over one catalogue, built once per load."""

    catalogue: Catalogue
    aliases: Mapping[str, Iterable[str]] = field(default_factory=dict)
    glossary: Glossary = field(default_factory=Glossary)
    # What arXiv and Semantic Scholar say, by paper id: its abstracts and TL;DRs are fields.
    metadata: Mapping[str, PaperMetadata] = field(default_factory=dict)

    def __post_init__(self) -> None:
        with collection_paused():
            self._build()

    def _build(self) -> None:
        papers = self.catalogue.papers
        n = len(papers)
        self._papers = papers
        self._by_id = {p.id: i for i, p in enumerate(papers)}
        reading = _Reading(papers, self.catalogue.sections, Analyser(self.glossary))
        lexicon = reading.lexicon
        every = np.arange(n, dtype=np.int64)
        repos = [_repo_name(p.code) if p.code else None for p in papers]
        aliased = [(i, self.aliases[p.id]) for i, p in enumerate(papers) if p.id in self.aliases]
        # A word's code for its weightiest place in the paper (paper << 2 | 0 for the title,
        # an author or a nickname, | 1 for a section, | 2 for the venue: see _WORD_WEIGHTS).
        placed = [
            (reading.titles.ids, reading.titles.owners, 0),
            (reading.authors.ids, reading.author_paper[reading.authors.owners], 0),
            (*reading.sections_words(), 1),
            (*reading.venue_words(), 2),
        ]
        nicknames: list[tuple[int, str]] = []
        for i, names in aliased:
            for alias in names:
                if (arxiv := arxiv_id_in_text(alias)) and compact(alias) == compact(arxiv):
                    continue
                nicknames.append((i, alias))
                ws = lexicon.words.numbers(words(alias))
                placed.append((ws, np.full(ws.size, i, dtype=np.int64), 0))
        self._postings = _word_postings(list(lexicon.words), placed, n)
        self._index_names(papers, repos, nicknames)
        self._index_links(papers, aliased)
        joins = [
            lexicon.joins(reading.titles, every),
            lexicon.joins(reading.authors, reading.author_paper),
            lexicon.names(reading.authors, reading.author_paper),
        ]
        others = np.array(reading.other_author_names(), dtype=np.uint64)
        self._author_names = _sorted_codes([joins[2], others])
        self._joined = _sorted_codes(joins[:2])
        # Section and chapter names a query may carry as context ("模型编辑 rome").
        contexts: dict[str, set[int]] = defaultdict(set)
        for s in self.catalogue.sections:
            members = {self._by_id[pid] for pid in s.paper_ids if pid in self._by_id}
            for form in (s.heading, s.name, s.chapter, s.slug):
                if len(key := compact(form)) >= 2:
                    contexts[key] |= members
        self._contexts = {key: array("I", sorted(members)) for key, members in contexts.items()}
        self._n = max(n, 1)
        self._max_idf = math.log(1 + self._n)
        # Joined pairs are matched exactly only: kept out of the prefix and typo vocabulary.
        self._vocab = sorted(self._postings)
        self._spelt_words = _Spellings(w for w in self._vocab if not w.isdigit())
        self._analyser = lexicon.analyser
        self._index_fields(reading.columns(self.aliases, repos, self.metadata), lexicon)

    def _index_names(
        self, papers: Sequence[Paper], repos: list[str | None], nicknames: list[tuple[int, str]]
    ) -> None:
        """The names of papers: title heads, short titles, repositories only one paper has,
        and nicknames; a paper's code for a name is that of its weightiest kind."""
        repo_count = Counter(r for r in repos if r)
        titles = [p.title for p in papers]
        heads = [t.split(":", 1)[0] for t in titles]
        kinds = [_KIND[why] for why in ("title head", "title", "code repository", "nickname")]
        # Paper, text and kind of each name, by paper, then as met (a stable sort).
        named = [
            *(
                (i, head, kinds[0])
                for i, (head, title) in enumerate(zip(heads, titles, strict=True))
                if head != title and len(head.split()) <= 6
            ),
            *((i, title, kinds[1]) for i, title in enumerate(titles) if len(title) <= 40),
            *((i, r, kinds[2]) for i, r in enumerate(repos) if r and repo_count[r] == 1),
            *((i, alias, kinds[3]) for i, alias in nicknames),
        ]
        named.sort(key=itemgetter(0))
        keys = _compacts([text for _, text, _ in named])
        kept = np.flatnonzero(np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)) >= 2)
        kept_keys = [keys[k] for k in kept.tolist()]
        names = list(dict.fromkeys(kept_keys))
        numbering = {key: k for k, key in enumerate(names)}
        key_of = np.fromiter(map(numbering.__getitem__, kept_keys), np.int64, len(kept_keys))
        paper = np.fromiter(map(itemgetter(0), named), np.int64, len(named))[kept]
        kind = np.fromiter(map(itemgetter(2), named), np.int64, len(named))[kept]
        n = max(len(papers), 1)
        # A paper once per name, by its weightiest kind (the lowest), papers ascending.
        entries = np.sort((key_of * n + paper) * 8 + kind)
        entries = entries[_run_starts(entries >> 3)]
        of, paper = np.divmod(entries >> 3, n)
        codes = (paper << 3 | (entries & 7)).astype(np.uint32)
        spans = np.concatenate([[0], np.cumsum(np.bincount(of, minlength=len(names)))])
        self._names = _Codes.of_arrays(names, codes, spans)
        # Misspelt names are looked for among nicknames, title heads and repositories; the
        # words of titles and author names are forgiven one by one in the word channel.
        spelt = np.isin(entries & 7, [_KIND[why] for why in _SPELT_NAMES])
        spelt_keys = np.flatnonzero(np.bincount(of[spelt], minlength=len(names)))
        self._spelt_names = _Spellings(names[k] for k in spelt_keys.tolist())

    def _index_links(
        self, papers: Sequence[Paper], aliased: list[tuple[int, Iterable[str]]]
    ) -> None:
        """The papers' arXiv ids, links and the DOIs and other keys in their links, each
        naming the first paper that has it (an arXiv id: the last paper it is the id of)."""
        found: list[tuple[int, str]] = []  # arXiv ids in aliases and links, in list order
        for i, names in aliased:
            for alias in names:
                if (arxiv := arxiv_id_in_text(alias)) and compact(alias) == compact(arxiv):
                    found.append((i, arxiv))
        links = [(i, url) for i, p in enumerate(papers) for url in (p.pdf, p.code, *p.links) if url]
        keys = _url_keys([url for _, url in links])
        for (i, url), key in zip(links, keys, strict=True):
            # An ASCII link with no arXiv id has no "arxiv.org/" in its key (lowered).
            if (not url.isascii() or "arxiv.org/" in key) and (arxiv := arxiv_id_from_url(url)):
                found.append((i, arxiv))
        found.sort(key=lambda t: t[0])  # stable: a paper's aliases before its links
        arxiv_of = _first_of(found)
        arxiv_of.update((p.arxiv_id, i) for i, p in enumerate(papers) if p.arxiv_id)
        self._arxiv = _Ids(arxiv_of)
        self._urls = _Ids(_first_of(zip((i for i, _ in links), keys, strict=True)))
        self._keys = _Ids(_first_of((i, key) for i, url in links for key in link_keys(url)))

    def dumps(self) -> bytes:
        """The index as bytes, to keep beside its catalogue: opening a stored list then
        costs reading it back (`loads`), not building it again."""
        state = {k: getattr(self, k) for k in _STORED}
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads(
        cls,
        data: bytes | IO[bytes],
        catalogue: Catalogue,
        aliases: Mapping[str, Iterable[str]],
        glossary: Glossary,
    ) -> SearchIndex:
        """The index `dumps` wrote for this catalogue (with these aliases and glossary).
        Raises ValueError when the bytes are not such an index or another catalogue's."""
        try:
            with collection_paused():
                state = _Restricted(io.BytesIO(data) if isinstance(data, bytes) else data).load()
        except (pickle.UnpicklingError, EOFError, AttributeError, TypeError) as exc:
            raise ValueError(f"not a stored search index: {exc}") from exc
        if not isinstance(state, dict) or set(state) != set(_STORED):
            raise ValueError("not a stored search index of this version")
        if state["_n"] != max(len(catalogue.papers), 1):
            raise ValueError("the stored search index is another catalogue's")
        index = cls.__new__(cls)
        index.catalogue, index.aliases, index.glossary, index.metadata = (
            catalogue,
            aliases,
            glossary,
            {},
        )
        vars(index).update(state)
        index._papers = catalogue.papers
        index._by_id = {p.id: i for i, p in enumerate(catalogue.papers)}  # its strings shared
        index._analyser = Analyser(glossary)
        return index

    def _index_fields(
        self, columns: list[Column] | None = None, lexicon: _Lexicon | None = None
    ) -> None:
        """The ranked retrieval over the papers' fields, from their `_Reading.columns`
        (the build reads them with the word channel's words)."""
        if columns is None or lexicon is None:
            reading = _Reading(self._papers, self.catalogue.sections, self._analyser)
            repos = [_repo_name(p.code) if p.code else None for p in self._papers]
            columns, lexicon = reading.columns(self.aliases, repos, self.metadata), reading.lexicon
        self._fields = FieldIndex.from_columns(
            list(lexicon.terms), columns, FIELD_WEIGHTS, b=_FIELD_B, rarity=RARITY_FIELDS
        )
        self._stems = sorted(t for t in self._fields.terms() if not _CJK.match(t))

    def prepare(self) -> None:
        """Make now what queries otherwise make on first use (the titles for `closest`,
        the papers' years, the near spellings' masks, the Chinese
        segmenter's dictionary): about a second at
        100,000 papers, for a worker thread after start-up, not the first readers' wait."""
        for made in (self._titles, self._years):
            assert made is not None
        self._spelt_words.prepare()
        self._spelt_names.prepare()
        self.glossary.segment("模型")  # the segmenter's dictionary, loaded on first use

    @cached_property
    def _titles(self) -> _NearestTitles:
        """The titles for `closest`, built on the first query that matches nothing: a
        stored index opens without them (a second or so at 100,000 papers), and a copy
        made by `with_metadata` shares them."""
        return _NearestTitles([normalise(p.title) for p in self._papers])

    def with_metadata(self, metadata: Mapping[str, PaperMetadata]) -> SearchIndex:
        """This index with other metadata: only the ranked retrieval's fields are built
        again, the rest is shared (seconds for a large list: not for the event loop)."""
        index = copy.copy(self)
        index.metadata = dict(metadata)
        with collection_paused():
            index._index_fields()
        return index

    # Papers ------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10, *, browse: bool = False) -> SearchResult:
        """The papers that fit `query`, best first; at most `limit`. The result says what
        the answer rests on and how sure it is (see `decide`). `browse` keeps the papers far
        behind the best one (a listing of a topic), which are otherwise left out."""
        text = bounded(query).strip()
        if not text:
            return SearchResult(query)
        if (i := self._by_id.get(query.strip())) is not None:
            return self._sure(query, i, "id")
        citation = parse_citation(query[:CITATION_CHARS])
        exact = self._exact(query, text)
        if exact is not None and (exact.hits or citation is None):
            return exact
        if citation is not None:
            return self._cited(query, citation, limit)
        if slug := slug_words(text):
            return self._ranked(query, bounded(slug), limit, card_lead=0.0, browse=browse)
        return self._ranked(query, text, limit, browse=browse)

    def _sure(self, query: str, i: int, why: str) -> SearchResult:
        return SearchResult(
            query, (Hit(self._papers[i], 1000.0, why),), basis=EXACT, confidence=1.0, lead=1.0
        )

    def _ranked(
        self, query: str, text: str, limit: int, card_lead: float = 1.0, browse: bool = False
    ) -> SearchResult:
        """Names and words: today's name matching fused with BM25F over the fields, a year
        in the query counting as evidence only."""
        # Every paper's score, 0 for a paper nothing matched (every match adds to it): the
        # common words of a large list hold tens of thousands of papers, scored in arrays.
        scores = np.zeros(len(self._papers))
        why: dict[int, str] = {}
        groups = word_groups(text)
        # Chinese is matched by the ranked retrieval, word by word; one character at a time
        # it would match any heading sharing a character (模 of 模型).
        self._score_words([g for g in groups if not _CJK.match(g[0])], scores)
        exact_words = float(scores.max(initial=0.0)) / 100.0
        named = self._score_names(compact(text), scores, why, 1.0)
        # A name inside a longer query ("what is qlora"): the words of it, by paper named.
        name_words: dict[int, set[str]] = defaultdict(set)
        if len(groups) > 1 and not named:
            rest = self._score_contexts(groups, scores)
            stop = STOP | self.glossary.stop
            nearly: dict[int, set[str]] = defaultdict(set)
            for part, ws in _phrases(rest):
                if ws[0] in stop or ws[-1] in stop:  # "is lora" nearly spells "s-lora"
                    continue
                found: set[int] = set()
                exactly = self._score_names(part, scores, why, 0.5, found)
                for i in found:
                    (name_words if exactly else nearly)[i].update(ws)
            # A paper named exactly is named by those words only: "lora 量化" nearly spells
            # "lora" too, but 量化 is a word of its own.
            for i, spelt in nearly.items():
                if i not in name_words:
                    name_words[i] = spelt
            if not name_words:
                self._score_initials(rest, stop, scores, why, name_words)
        years = [int(y) for y in _YEAR.findall(text)]
        # A word said twice asks for nothing more (and a pasted wall of one word is cheap).
        concepts = list(
            {c.word: c for c in self._concepts(text) if not _YEAR.fullmatch(c.word)}.values()
        )
        bm25, coverage, _ = self._fields.rank_arrays(concepts)
        top_bm25 = float(bm25.max(initial=0.0)) or 1.0
        weight = _BM25 * (_NAMED_BM25 if named else 1.0)
        np.multiply(bm25, weight, out=bm25)
        np.divide(bm25, top_bm25, out=bm25)
        scores += bm25
        if years:
            scores *= self._year_factors(years)
        best = _top(scores, limit)
        if not best:
            return SearchResult(query)
        top_i, top = best[0]
        second = best[1][1] if len(best) > 1 else 0.0
        lead = 1.0 - second / top if top > 0 else 0.0
        if named:
            basis, confidence = NAME, 1.0
        else:
            basis = WORDS
            confidence = float(coverage[top_i])
            if exact_words >= _ALL_WORDS:  # every word found by the name and word matching
                # ... that saw no Chinese: those words are the ranked retrieval's to find
                latin = {w for g in groups if not _CJK.match(g[0]) for w in g}
                held = self._others_held(concepts, latin, top_i)
                confidence = max(confidence, _SPELT_TRUST * held)
            if why.get(top_i) in (*_SPELT_NAMES, "title", "author"):
                sure = min(1.0, top / 100.0) * _SPELT_TRUST
                if top_i in name_words:  # "bert for protein folding": a list at most
                    held = self._others_held(concepts, name_words[top_i], top_i)
                    sure *= _NAME_INSIDE + (1 - _NAME_INSIDE) * held
                confidence = max(confidence, sure)
            if card_lead == 0.0:  # a link's title slug: the words are the title's
                lead = max(lead, 0.5)
        if confidence < LIST_FLOOR:
            return SearchResult(
                query,
                near=tuple(self._papers[i] for i, _ in best[:3]),
                basis=basis,
                confidence=round(confidence, 3),
            )
        hits = tuple(
            Hit(
                self._papers[i],
                round(score, 2),
                why.get(i) or _matched_field(self._papers[i], set(words(text))),
                self._matched(concepts, i),
            )
            for i, score in best
            if score >= top * (_BROWSE_FLOOR if browse else _FLOOR)
        )
        return SearchResult(
            query, hits, basis=basis, confidence=round(confidence, 3), lead=round(lead, 3)
        )

    def _year_factors(self, years: list[int]) -> Floats:
        """`_year_factor` of every paper, for the years a query names."""
        gap = np.full(len(self._papers), 1 << 20)
        for y in years:
            np.minimum(gap, np.abs(self._years - y), out=gap)
        factor = np.select([gap == 0, gap == 1], [1.3, 1.1], 0.8)
        factor[self._years < 0] = 1.0
        return factor

    @cached_property
    def _years(self) -> NDArray[np.int64]:
        """Each paper's year, -1 for none."""
        return np.array([-1 if p.year is None else p.year for p in self._papers], dtype=np.int64)

    def _concepts(self, text: str) -> list[Concept]:
        """The query's concepts, each widened by the index words it may stand for: words it
        begins (autocomplete) and near spellings (typos), counted a little less."""
        out: list[Concept] = []
        for concept in self._analyser.concepts(text):
            term = concept.alternatives[0][0] if len(concept.alternatives[0]) == 1 else ""
            if not term or term in self._fields or _CJK.match(term) or term.isdigit():
                out.append(concept)
                continue
            extra: dict[str, float] = {}
            start = bisect_left(self._stems, term)
            for w in self._stems[start : start + 20]:
                if not w.startswith(term):
                    break
                extra[w] = _PREFIX
            if len(concept.word) >= 4:
                for w, ratio in self._spelt_words.near(concept.word).items():
                    if ratio >= _NEAR and (st := stem(w)) in self._fields:
                        extra[st] = max(extra.get(st, 0.0), 0.9 * ratio / 100)
            out.append(
                Concept(
                    concept.word,
                    concept.alternatives + tuple((w,) for w in extra),
                    concept.factors + tuple(extra.values()),
                )
            )
        return out

    def _matched(self, concepts: list[Concept], i: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The query's words found in each field of paper `i`."""
        found: dict[str, list[str]] = {}
        for concept in concepts:
            for alt in concept.alternatives:
                for term in alt:
                    for f in self._fields.fields_of(term, i):
                        if concept.word not in found.setdefault(f, []):
                            found[f].append(concept.word)
        return tuple((f, tuple(ws)) for f, ws in found.items())

    def _cited(self, query: str, citation: Citation, limit: int) -> SearchResult:
        """A pasted reference: the paper whose title is the cited one, with the authors and
        the year as evidence."""
        found = self._ranked(query, bounded(citation.title), max(limit, 10))
        cited = normalise(citation.title)
        scored: list[tuple[float, float, Hit]] = []
        for hit in found.hits:
            p = hit.paper
            similarity = max(
                fuzz.ratio(cited, normalise(p.title)),
                fuzz.token_sort_ratio(cited, normalise(p.title)),
            )
            authors = {w for a in p.authors for w in words(a)}
            by = any(w in authors for s in citation.surnames for w in words(s))
            year = citation.year is None or p.year is None or abs(p.year - citation.year) <= 1
            exact_year = citation.year is not None and p.year == citation.year
            score = similarity + 6 * by + 3 * exact_year - 10 * (not year)
            evidence = (0.5 * by + 0.5 * year) if citation.surnames else 0.5 + 0.5 * year
            scored.append((score, similarity / 100 * (0.8 + 0.2 * evidence), hit))
        if not scored:
            return replace(found, basis=CITATION)
        scored.sort(key=lambda t: -t[0])
        top, confidence, _ = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        hits = tuple(replace(h, score=round(s, 2), why="citation") for s, _, h in scored[:limit])
        if confidence < LIST_FLOOR:
            return SearchResult(query, near=tuple(h.paper for h in hits[:3]), basis=CITATION)
        return SearchResult(
            query,
            hits,
            basis=CITATION,
            confidence=round(confidence, 3),
            # Points of title similarity and evidence ahead of the second: a year apart
            # (3 points) tells two editions of one title apart.
            lead=round(min(1.0, (top - second) / _CITED_LEAD), 3),
        )

    def _score_contexts(self, groups: list[list[str]], scores: Floats) -> list[str]:
        """Add a bonus to the papers of a section or chapter the query names beside other
        words; return the query's other words, joined per group."""
        joined = ["".join(g) for g in groups]
        used = [False] * len(joined)
        for n in range(len(joined) - 1, 0, -1):
            for k in range(len(joined) - n + 1):
                key = "".join(joined[k : k + n])
                if not any(used[k : k + n]) and key in self._contexts:
                    members = self._contexts[key]
                    scores[np.fromiter(members, dtype=np.intp, count=len(members))] += _CONTEXT
                    used[k : k + n] = [True] * n
        return [w for w, u in zip(joined, used, strict=True) if not u]

    def _exact(self, query: str, text: str) -> SearchResult | None:
        """The answer to a query that is an arXiv id or a link, which only an exact match
        answers; None for any other query."""
        found = _ANY_ARXIV.search(text)
        arxiv = arxiv_doi(text) or (found.group(1) if found else arxiv_id_in_text(text))
        if arxiv:
            i = self._arxiv.get(arxiv)
            if i is None:
                return SearchResult(query, unknown_arxiv=arxiv, basis=EXACT)
            return self._sure(query, i, "arXiv id")
        single = " " not in text.strip()
        for key in link_keys(query.strip()[:CITATION_CHARS]) if single else ():
            if (i := self._keys.get(key)) is not None:
                return self._sure(query, i, "link")
        if (url := _URL.search(text)) and single:
            key = _url_key(url.group(0))
            i = self._urls.get(key)
            if i is None:  # a page of the paper whose link in the list goes deeper
                i = self._urls.first_under(key + "/")
            if i is not None:
                return self._sure(query, i, "link")
            if slug_words(text) is None:
                return SearchResult(query, basis=EXACT)
        return None

    def _score_words(self, groups: list[list[str]], scores: Floats) -> None:
        """Add 100 x the idf-weighted share of the query's words each paper has.

        The characters of a Chinese word share one word's weight. Words are taken rarest
        first; a very common word ("language", "model") only adds to papers the rarer words
        already found, so a query costs what its rare words cost, not the size of the list.
        """
        weighted: list[tuple[float, list[tuple[Mapping[int, float] | _Posting, float]], int]]
        weighted = []
        for q, share in ((q, 1 / len(g)) for g in groups for q in g):
            matches = [(self._posting(w), sim) for w, sim in self._expand(q)]
            idf = max((self._idf(ps) for ps, s in matches if s == 1.0), default=None)
            if idf is None:
                idf = max((self._idf(ps) for ps, _ in matches), default=self._max_idf)
            size = sum(len(ps) for ps, _ in matches)
            weighted.append((idf * share, matches, size))
        total = sum(w for w, _, _ in weighted) or 1.0
        common = max(1000, len(self._papers) // 20)
        n = len(scores)
        best = np.zeros(n)
        for weight, matches, size in sorted(weighted, key=lambda t: t[2]):
            held = np.flatnonzero(scores) if size > common else None  # scored so far
            among = held if held is not None and held.size else None
            parts = []
            for ps, sim in matches:
                papers, posted = _posting_arrays(ps, among)
                np.maximum.at(best, papers, sim * posted)
                parts.append(papers)
            if sum(p.size for p in parts) * 8 > n:  # most papers: 100 x weight x best / total
                np.multiply(best, 100.0 * weight, out=best)
                np.divide(best, total, out=best)
                scores += best
                best.fill(0.0)
            elif parts:  # a few: the same, for those only (a paper listed twice adds once)
                hit = np.concatenate(parts)
                scores[hit] += best[hit] * (100.0 * weight) / total
                best[hit] = 0.0

    def _idf(self, posting: Mapping[int, float] | _Posting) -> float:
        return math.log(1 + self._n / len(posting)) if len(posting) else self._max_idf

    def _posting(self, w: str) -> Mapping[int, float] | _Posting:
        """The papers holding an index word, or a pair of words written together."""
        found = self._postings.get(w)
        pairs = self._pair(w)
        if not pairs:
            return _Posting(found) if found is not None else {}
        merged = dict(_Posting(found).items()) if found is not None else {}
        for i in pairs:  # "reranking" is also "re-ranking"
            merged[i] = max(merged.get(i, 0.0), _TITLE)
        return merged

    def _pair(self, w: str) -> list[int]:
        """The papers whose title or an author has two neighbouring words that, written
        together, are `w` ("selfrag", "tridao")."""
        if not w.isalpha():
            return []
        cache = self._pairs_met
        known = cache.get(w)
        if known is None:
            # Each candidate is checked against its paper (a hash only proposes it): for a
            # pair many titles hold ("fine-tuning") thousands of checks, kept for the next
            # query holding the word.
            found = _candidates(self._joined, w)
            known = array("I", sorted(i for i in found if w in _paper_joins(self._papers[i])))
            if len(cache) >= _PAIRS_KEPT:
                cache.clear()
            cache[w] = known
        return known.tolist()

    @cached_property
    def _pairs_met(self) -> dict[str, array[int]]:
        """`_pair`'s answers so far (at most `_PAIRS_KEPT` words)."""
        return {}

    def _expand(self, q: str) -> list[tuple[str, float]]:
        """Index words a query word stands for: itself (or a pair written together), words
        it begins, near spellings."""
        found: list[tuple[str, float]] = []
        written = q in self._postings
        paired = bool(self._pair(q))
        if written or paired:
            found.append((q, 1.0))
        if len(q) >= 2 or _CJK.match(q):  # autocomplete from the second keystroke
            start = bisect_left(self._vocab, q)
            for w in self._vocab[start : start + 50]:
                if not w.startswith(q):
                    break
                if w != q:
                    found.append((w, _PREFIX))
        if len(q) >= 4 and not q.isdigit() and not written and not paired:
            for w, ratio in self._spelt_words.near(q).items():
                found.append((w, 0.9 * ratio / 100))
        return found

    def _named(self, key: str) -> list[tuple[int, float, str]]:
        """The papers a name is of: (paper, the kind's weight, the kind)."""
        out = [(c >> 3, *_NAME_KINDS[c & 7]) for c in self._names.get(key, ())]
        for i in sorted(_candidates(self._author_names, key)):
            if key in _author_keys(self._papers[i]):
                out.append((i, _AUTHOR_NAME, "author"))
        return out

    def _score_names(
        self,
        qc: str,
        scores: Floats,
        why: dict[int, str],
        scale: float,
        found: set[int] | None = None,
    ) -> bool:
        """Add a bonus (times `scale`) for a query that is a name of the paper or, when it
        names no paper exactly, nearly one; the papers given one are added to `found`.
        Return whether it named one exactly."""
        if len(qc) < 2:
            return False
        bonus: dict[int, tuple[float, str]] = {}
        named = self._named(qc)
        for i, weight, kind in named:
            bonus[i] = max(bonus.get(i, (0.0, "")), (weight, kind))
        if not bonus and 4 <= len(qc) <= 40:
            for text, ratio in self._spelt_names.near(qc).items():
                for i, weight, kind in self._named(text):
                    value = weight * (ratio - 50) / 50
                    if value > bonus.get(i, (0.0, ""))[0]:
                        bonus[i] = (value, kind)
        for i, (value, reason) in bonus.items():
            scores[i] += value * scale
            why.setdefault(i, reason)
        if found is not None:
            found.update(bonus)
        return bool(named)

    def _score_initials(
        self,
        rest: list[str],
        stop: frozenset[str],
        scores: Floats,
        why: dict[int, str],
        name_words: dict[int, set[str]],
    ) -> None:
        """A query spelling out a nickname or a title head letter by letter ("retrieval
        augmented generation" is RAG, "chain of thought" CoT, "receptance weighted key
        value" RWKV) counts as naming it inside a longer query."""
        if not 3 <= len(rest) <= 6 or not all(w.isalpha() and w.isascii() for w in rest):
            return
        for ws in (rest, [w for w in rest if w not in stop]):
            initials = "".join(w[0] for w in ws)
            if len(initials) < 3:
                continue
            for i, weight, kind in self._named(initials):
                if kind in ("nickname", "title head") and i not in name_words:
                    scores[i] += weight * 0.5
                    why.setdefault(i, kind)
                    name_words[i].update(rest)

    def _others_held(self, concepts: list[Concept], name: set[str], i: int) -> float:
        """The share of a query's meaningful words outside a name it holds that paper `i`
        also holds. A name inside a longer query is only as sure as the rest of it: `gpt-3
        for predicting stock prices` asks for no paper on few-shot learning. Words of no
        meaning do not count (`bert paper`, `mamba 是什么`), nor does one word alone beside
        the name, which says who made it or what it is (`openai codex`, `mmlu benchmark`)."""
        others = [
            c
            for c in concepts
            if c.word not in name and not (_CJK.match(c.word) and any(c.word in w for w in name))
        ]
        return self._fields.coverage(others, i) if len(others) > 1 else 1.0

    def closest(self, query: str, limit: int = 3) -> list[Paper]:
        """The titles nearest to a query that matched nothing (rapidfuzz WRatio), to offer
        "did you mean"."""
        # A title is rarely past 150 characters; WRatio's cost grows with the query's length,
        # and what lies past that length cannot make a title nearer.
        text = bounded(query)[:_NEAREST_CHARS]
        if not text.strip():
            return []
        return [self._papers[i] for i in self._titles.nearest(text, limit)]


class _NearestTitles:
    """The titles nearest to a text by rapidfuzz's WRatio, in bounded time.

    WRatio costs about 4 µs a title (0.45 s over 100,000): a list of up to `_FULL_SCAN`
    titles is scanned whole. A longer one scores (with WRatio, ties broken by list order as a
    whole scan breaks them) a shortlist of two parts. The *sure* part holds the first titles,
    in list order, of each group WRatio scores alike: sharing a word with the text, holding
    every word of it or only words of it, a title or its set of words inside the text, the
    text inside a title, and for a short text the titles that start or end with letters of
    it in order (partial ratio's end windows); each found by a lookup, not a scan. The
    *likely* part holds the titles sharing the most of the text's letter pairs (counted over
    numpy postings), kept to the best `_SHORTLIST` by plain and partial ratio, scored only
    if they reach the sure part's third score.
    """

    def __init__(self, titles: list[str]) -> None:
        self._titles = titles
        self._large = len(titles) > _FULL_SCAN
        if not self._large:
            return
        n = len(titles)
        self._lengths = np.fromiter(map(len, titles), dtype=np.int64, count=n)
        self._tiebreak = np.arange(n) * (1e-3 / n)  # list order, below any ratio's step
        # Letter pairs: each title's distinct pairs, as postings (ascending title indexes),
        # made in place: 100,000 titles have 4.4 million pairs, 35 MB an int64 array.
        text = "\0".join(titles).encode("utf-32-le", "surrogatepass")
        codes = np.frombuffer(text, dtype=np.uint32)
        present = np.flatnonzero(np.bincount(codes))
        dense = np.zeros(int(present[-1]) + 1, dtype=np.int32)
        dense[present] = np.arange(len(present))
        letters = dense[codes]  # "\0", between titles, is letter 0
        del codes, text
        self._letters = {chr(c): k for k, c in enumerate(present.tolist())}
        inside = (letters[:-1] != 0) & (letters[1:] != 0)
        keys = letters[:-1][inside].astype(np.int64)
        keys *= len(present)
        keys += letters[1:][inside]
        del letters
        keys *= n
        keys += np.repeat(np.arange(n, dtype=np.int32), self._lengths + 1)[: len(inside)][inside]
        del inside
        taken = [keys]
        del keys
        self._pairs, self._pair_starts, self._pair_titles = _postings(taken, n)
        self._pair_counts = np.bincount(self._pair_titles, minlength=n)
        # Words: postings in list order, and the same ordered by title length; each title's
        # set of words (sorted, as token_set_ratio joins them).
        self._word_sets = [" ".join(sorted(set(title.split()))) for title in titles]
        words = " ".join(self._word_sets).split()
        self._word_ids = {w: k for k, w in enumerate(dict.fromkeys(words))}
        word = np.fromiter(map(self._word_ids.__getitem__, words), np.int64, len(words))
        del words
        counts = np.fromiter(map(str.count, self._word_sets, repeat(" ", n)), np.int64, n) + 1
        counts[np.fromiter(map(len, self._word_sets), np.int64, n) == 0] = 0
        keys = word * n + np.repeat(np.arange(n, dtype=np.int64), counts)
        del word
        _, self._word_starts, self._word_titles = _postings([keys], n)
        word_of = np.repeat(np.arange(len(self._word_starts) - 1), np.diff(self._word_starts))
        by_length = np.lexsort((self._word_titles, self._lengths[self._word_titles], word_of))
        self._word_titles_by_length = self._word_titles[by_length]
        self._word_title_lengths = self._lengths[self._word_titles_by_length].astype(np.int32)
        # Whole titles and their sets of words, for the lookups of texts inside texts.
        self._by_title = _Holders(titles)
        self._by_set = _Holders(self._word_sets)
        self._short_sets = sorted(self._by_set.first, key=len)[:_NEAREST_SETS]
        # The first and last letters of every title, sorted, for partial ratio's end windows.
        self._heads, self._head_titles = _sorted_ends(titles)
        self._tails, self._tail_titles = _sorted_ends([t[::-1] for t in titles])

    def nearest(self, text: str, limit: int) -> list[int]:
        """Indexes of the titles nearest to `text` (scoring at least `_NEAREST`), best first."""
        if not self._large:
            found = process.extract(text, self._titles, scorer=fuzz.WRatio, limit=limit)
            return [i for _, score, i in found if score >= _NEAREST]
        shared, used, complete = self._shared_pairs(text)
        sure = self._sure(text, limit) | self._holding(text, shared, used, complete)
        ranked = self._scored(text, sorted(sure), _NEAREST)
        floor = sorted(s for s, _ in ranked)[-limit] if len(ranked) >= limit else _NEAREST
        likely = self._likely(text, shared, used, floor)
        ranked += self._scored(text, sorted(likely - sure), floor)
        ranked.sort(key=lambda r: (-r[0], r[1]))
        return [i for _, i in ranked[:limit]]

    def _scored(self, text: str, idx: list[int], floor: float) -> list[tuple[float, int]]:
        choices = [self._titles[i] for i in idx]
        found = process.extract(text, choices, scorer=fuzz.WRatio, limit=None, score_cutoff=floor)
        return [(score, idx[k]) for _, score, k in found]

    def _first(
        self, idx: NDArray[np.integer[Any]], length: int, limit: int, found: set[int]
    ) -> None:
        """Add the first `limit` of `idx` (ascending) in each of WRatio's bands of length: up
        to 1.5 times as long as the text or short (ratios), to 8 (partial ratios), longer."""
        lengths = self._lengths[idx]
        big, small = np.maximum(lengths, length), np.minimum(lengths, length)
        alike, far = 2 * big < 3 * small, big > 8 * small
        for band in (alike, ~alike & ~far, far):
            found.update(idx[band][:limit].tolist())

    def _sure(self, text: str, limit: int) -> set[int]:
        """The first titles of each group that WRatio scores alike (see the class)."""
        found: set[int] = set()
        length = len(text)
        words = set(text.split())
        ids = [self._word_ids[w] for w in words if w in self._word_ids]
        # A word in common: partial_token_set_ratio is 100. The first titles of a length
        # band are among a word's first postings, or, when few are, among its titles of
        # that band of length (a slice of the postings ordered by length).
        bands = (
            (length / 1.5, 1.5 * length),
            (1.5 * length, 8 * length),
            (length / 8, length / 1.5),
        )
        for w in ids:
            start, end = int(self._word_starts[w]), int(self._word_starts[w + 1])
            head = self._word_titles[start : min(end, start + 256)]
            head_lengths = self._lengths[head]
            for low, high in bands:
                got = head[(head_lengths >= low) & (head_lengths <= high)][:limit]
                if len(got) < limit and start + len(head) < end:
                    by_length = self._word_title_lengths[start:end]
                    a = start + int(np.searchsorted(by_length, low, "left"))
                    b = start + int(np.searchsorted(by_length, high, "right"))
                    got = self._word_titles_by_length[a:b]
                    if len(got) > limit:
                        got = np.partition(got, limit)[:limit]
                found.update(got.tolist())
        # Every word of the text in a title: token_set_ratio is 100.
        if ids and len(ids) == len(words):
            common = self._word_postings(ids[0])
            for w in ids[1:]:
                postings = self._word_postings(w)
                at = np.minimum(np.searchsorted(postings, common), len(postings) - 1)
                common = common[postings[at] == common]
            self._first(common, length, limit, found)
        # Only words of the text in a title: token_set_ratio is 100.
        ordered = sorted(words)
        subsets = (
            " ".join(c) for k in range(len(ordered), 0, -1) for c in combinations(ordered, k)
        )
        groups = [[i for s in islice(subsets, _NEAREST_SUBSETS) for i in self._by_set.get(s)]]
        # A title, or its set of words, inside the text: partial ratio is 100.
        words_of_text = _token_set(text)
        for table, key in ((self._by_title, text), (self._by_set, words_of_text)):
            groups.append([i for s in _inside(key) & table.first.keys() for i in table.get(s)])
        for group in groups:
            self._first(np.array(sorted(group), dtype=np.int64), length, limit, found)
        # A title of few words, its set of words much like part of the text's.
        fits = [s for s in self._short_sets if len(s) <= len(words_of_text)]
        for s, _, _ in process.extract(words_of_text, fits, scorer=fuzz.partial_ratio, limit=8):
            self._first(np.array(self._by_set.get(s), dtype=np.int64), length, limit, found)
        # A short text: titles whose first (last) letters are letters of the text in order,
        # partial ratio's windows at a title's ends; the longest first.
        if length <= _NEAREST_EDGE:
            low, high = 1.5 * length, 8 * length
            parts = (
                "".join(c)
                for k in range(length - 1, max(1, (length + 1) // 2) - 1, -1)
                for c in combinations(text, k)
            )
            for part in islice(parts, _NEAREST_SUBSETS // 2):
                for ends, at, key in (
                    (self._heads, self._head_titles, part),
                    (self._tails, self._tail_titles, part[::-1]),
                ):
                    lo = bisect_left(ends, key)
                    hi = bisect_left(ends, key + "\U0010ffff", lo)
                    if lo < hi:
                        idx = at[lo:hi]
                        idx = idx[(self._lengths[idx] >= low) & (self._lengths[idx] <= high)]
                        found.update(np.sort(idx)[:limit].tolist())
        return found

    def _word_postings(self, w: int) -> NDArray[np.int32]:
        return self._word_titles[self._word_starts[w] : self._word_starts[w + 1]]

    def _shared_pairs(self, text: str) -> tuple[NDArray[np.int64], int, bool]:
        """How many of the text's rarest letter pairs each title has (pairs up to
        `_NEAREST_POSTINGS` postings: the common ones tell little), how many pairs that is,
        and whether the titles know all the text's pairs."""
        letters = [self._letters.get(ch, 0) for ch in text]
        step = len(self._letters)
        codes = {a * step + b for a, b in pairwise(letters) if a and b}
        pairs = np.fromiter(codes, dtype=np.int64, count=len(codes))
        at = np.minimum(np.searchsorted(self._pairs, pairs), len(self._pairs) - 1)
        at = at[self._pairs[at] == pairs]
        sizes = self._pair_starts[at + 1] - self._pair_starts[at]
        order = np.argsort(sizes, kind="stable")
        kept = max(1, int(np.searchsorted(np.cumsum(sizes[order]), _NEAREST_POSTINGS)))
        used = at[order[:kept]].tolist()
        starts = self._pair_starts
        postings = [self._pair_titles[starts[p] : starts[p + 1]] for p in used]
        shared = np.bincount(
            np.concatenate(postings) if postings else np.zeros(0, np.int32),
            minlength=len(self._titles),
        )
        complete = len(at) == len(set(pairwise(text)))
        return shared, len(used), complete

    def _holding(self, text: str, shared: NDArray[np.int64], used: int, complete: bool) -> set[int]:
        """The first titles of each band of length that hold the text (partial ratio 100):
        among those with all its pairs, or, for one letter, the first and short titles."""
        n = len(self._titles)
        if len(text) == 1:
            candidates = np.union1d(np.arange(min(n, 2048)), np.flatnonzero(self._lengths <= 8))
        elif used and complete:
            candidates = np.flatnonzero(shared == used)
        else:
            return set()
        holding: set[int] = set()
        inside = [i for i in candidates[:2048].tolist() if text in self._titles[i]]
        self._first(np.array(inside, dtype=np.int64), len(text), _SHORTLIST, holding)
        return holding

    def _likely(self, text: str, shared: NDArray[np.int64], used: int, floor: float) -> set[int]:
        """The titles sharing the most of the text's letter pairs (as a share of what plain
        and partial ratio compare), kept to the best `_SHORTLIST` by those ratios."""
        n, length = len(self._titles), len(text)
        pairs_of_text = len(set(pairwise(text)))
        # A short list is ranked by ratios whole (titles sharing no pair too); a longer one
        # by its 2.5% (at most `_NEAREST_RERANK`) of best estimates.
        if n <= 2 * _NEAREST_RERANK:
            return self._best_by_ratios(text, np.arange(n), floor)
        met = np.flatnonzero(shared)
        if not len(met):
            return set()
        share = shared[met] / max(1, used)
        lengths, own = self._lengths[met], self._pair_counts[met]
        big, small = np.maximum(lengths, length), np.minimum(lengths, length)
        estimate = np.where(
            2 * big < 3 * small,
            share * (200.0 * pairs_of_text) / (pairs_of_text + own),  # ratio's
            np.where(
                lengths >= length, 90.0 * share, 90.0 * share * pairs_of_text / np.maximum(own, 1)
            ),  # partial ratio's, scaled as WRatio scales it
        )
        estimate[big > 8 * small] = 0.0
        estimate -= self._tiebreak[met]
        rerank = min(_NEAREST_RERANK, max(2 * _SHORTLIST, n // _NEAREST_PER_RERANK))
        if len(met) > rerank:
            met = met[np.argpartition(-estimate, rerank - 1)[:rerank]]
        return self._best_by_ratios(text, np.sort(met), floor)

    def _best_by_ratios(self, text: str, idx: NDArray[np.int64], floor: float) -> set[int]:
        """The best `_SHORTLIST` of `idx` by what WRatio takes the best of, with native
        scorers that cost a fraction of it: plain ratio; for a title of about the text's
        length the ratio of their sets of words; for one 1.5 to 8 times as long or short,
        partial ratio, of the texts and of their sets of words (each scaled as WRatio does).
        A partial ratio below what would reach `floor`, the score to beat, counts as 0."""
        choices = [self._titles[i] for i in idx.tolist()]
        word_sets = [self._word_sets[i] for i in idx.tolist()]
        words_of_text = _token_set(text)
        score = process.cdist([text], choices, scorer=fuzz.ratio, dtype=np.float64)[0]
        lengths, length = self._lengths[idx], len(text)
        big, small = np.maximum(lengths, length), np.minimum(lengths, length)
        alike = np.flatnonzero(2 * big < 3 * small)
        if len(alike):
            ratios = process.cdist(
                [words_of_text], [word_sets[k] for k in alike.tolist()], scorer=fuzz.ratio
            )[0]
            score[alike] = np.maximum(score[alike], 0.95 * ratios)
        partial = np.flatnonzero((2 * big >= 3 * small) & (big <= 8 * small))
        if len(partial):
            for key, among, scale in ((text, choices, 0.9), (words_of_text, word_sets, 0.855)):
                ratios = process.cdist(
                    [key],
                    [among[k] for k in partial.tolist()],
                    scorer=fuzz.partial_ratio,
                    dtype=np.float64,
                    score_cutoff=min(100.0, floor / scale) - _NEAREST_MARGIN,
                )[0]
                score[partial] = np.maximum(score[partial], scale * ratios)
        score -= self._tiebreak[idx]
        if len(idx) > _SHORTLIST:
            idx = idx[np.argpartition(-score, _SHORTLIST - 1)[:_SHORTLIST]]
        return set(idx.tolist())


class _Holders:
    """The titles that have each key (a title, its set of words: one key a title), as the
    first title's index and, only for a key that repeats, all of them: a dict of lists for
    100,000 titles would take 10 MB more and a third of a second to make."""

    def __init__(self, keys: list[str]) -> None:
        self.first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
        self._all: dict[str, list[int]] = {}
        if len(self.first) < len(keys):
            repeated = {key for key, count in Counter(keys).items() if count > 1}
            for i, key in enumerate(keys):
                if key in repeated:
                    self._all.setdefault(key, []).append(i)

    def get(self, key: str) -> list[int]:
        """The titles with `key`, ascending."""
        first = self.first.get(key)
        if first is None:
            return []
        return self._all.get(key) or [first]


def _postings(
    keys: list[NDArray[np.int64]], n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]:
    """Postings of features (letter pairs, words) of `n` titles, from the one array in `keys`
    (feature * n + title; taken, so it is freed here): the distinct features, where each
    one's titles start (and the end) and the titles, ascending within each feature."""
    unique = keys.pop()
    unique.sort()
    unique = unique[np.append(True, unique[1:] != unique[:-1])]
    features = unique // n
    features *= n
    unique -= features  # now the titles
    features //= n
    starts = np.flatnonzero(np.append(True, features[1:] != features[:-1]))
    return (
        features[starts],
        np.append(starts, len(unique)).astype(np.int64),
        unique.astype(np.int32),
    )


def _sorted_ends(titles: list[str]) -> tuple[list[str], NDArray[np.int64]]:
    """The first `_NEAREST_EDGE` letters of every title, sorted, and whose they are."""
    ends = np.array(titles, dtype=f"<U{_NEAREST_EDGE}")
    order = np.argsort(ends, kind="stable")
    return ends[order].tolist(), order.astype(np.int64)


def _inside(text: str) -> set[str]:
    """Parts of `text` that may be whole titles (or sets of words) inside it: the short ones,
    and the runs of whole words."""
    m = len(text)
    out = {text[i:j] for i in range(m) for j in range(i + 1, min(m, i + _NEAREST_EDGE) + 1)}
    starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == " "]
    ends = [k for k, ch in enumerate(text) if ch == " "] + [m]
    out.update(text[s:e] for s in starts for e in ends if e > s)
    return out


def _token_set(text: str) -> str:
    return " ".join(sorted(set(text.split())))


def decide(result: SearchResult) -> str:
    """What `/paper` shows for a result: "card" (the answer), "list" (a ranked list to
    choose from: a topic, or several papers about as likely) or "none" (nothing matched:
    suggestions, for the asker only). The one rule for Discord, the console and the CLI."""
    if not result.hits:
        return "none"
    if result.basis in (EXACT, NAME):
        return "card"
    if result.confidence < LIST_FLOOR:
        return "none"
    if result.confidence >= CARD_FLOOR and result.lead >= CARD_LEAD:
        return "card"
    return "list"


def _year_factor(year: int | None, years: list[int]) -> float:
    """A year in the query is evidence: the paper of that year, or one off (preprint and
    proceedings), is lifted; never enough alone, as it adds nothing to a paper with no match."""
    if year is None:
        return 1.0
    gap = min(abs(year - y) for y in years)
    return 1.3 if gap == 0 else 1.1 if gap == 1 else 0.8


def _matched_field(paper: Paper, qwords: set[str]) -> str:
    """Where a word match was found, for the reader: the authors or else the title."""
    if any(qwords & set(words(a)) for a in paper.authors):
        return "author"
    return "title"


def _phrases(joined: list[str]) -> Iterable[tuple[str, list[str]]]:
    """Runs of one to three neighbouring words, written together, with their words."""
    for n in (1, 2, 3):
        for k in range(len(joined) - n + 1):
            yield "".join(joined[k : k + n]), joined[k : k + n]


def _repo_name(url: str) -> str | None:
    match = re.match(r"https?://(?:www\.)?github\.com/[^/]+/([^/#?]+)", url)
    return match.group(1) if match else None


def _url_key(url: str) -> str:
    """A link without scheme, www., trailing slash or .git, for comparing links."""
    key = _LINK_START.sub("", url.strip().lower())
    return key.rstrip("/").removesuffix(".git").rstrip("/")


def _url_keys(urls: list[str]) -> list[str]:
    """`_url_key` of each link (a build's hundred thousand, without a call each)."""
    start = _LINK_START.sub
    return [start("", u.strip().lower()).rstrip("/").removesuffix(".git").rstrip("/") for u in urls]


# Sections and authors --------------------------------------------------------------------


def rank_sections(catalogue: Catalogue, query: str, limit: int = 25) -> list[Section]:
    """Sections that fit a query, best first; all sections, in list order, for no query."""
    qc = compact(bounded(query))
    if not qc:
        return list(catalogue.sections[:limit])
    scored: list[tuple[float, int, Section]] = []
    for s in catalogue.sections:
        forms = [compact(s.slug), compact(s.name), compact(s.heading)]
        if qc in forms:
            score = 200.0
        elif any(f.startswith(qc) for f in forms):
            score = 150.0
        else:
            score = max(fuzz.WRatio(qc, f) for f in forms if f)
            if any(qc in f for f in forms):
                score = max(score, 120.0)
        if score >= 75:
            scored.append((score, s.order, s))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [s for _, _, s in scored[:limit]]


class AuthorIndex:
    """Each author once, however the list spells them (Herve Jegou is Hervé Jégou), with
    their papers; built once per catalogue load, so /author and its autocomplete are cheap."""

    def __init__(self, catalogue: Catalogue) -> None:
        spellings: dict[str, set[str]] = defaultdict(set)
        self._papers: dict[str, list[Paper]] = defaultdict(list)
        for p in catalogue.papers:
            for key, name in {compact(a): a for a in p.authors if compact(a)}.items():
                spellings[key].add(name)
                self._papers[key].append(p)
        # The spelling with accents where any has them.
        self._names = {
            key: max(names, key=lambda n: (sum(not c.isascii() for c in n), n))
            for key, names in spellings.items()
        }
        self._by_word: dict[str, set[str]] = defaultdict(set)
        for key, name in self._names.items():
            for w in words(name):
                self._by_word[w].add(key)
        self._words = sorted(self._by_word)
        self._spelt = _Spellings(w for w in self._words if len(w) >= 4)
        self._ranked = sorted(self._names, key=lambda k: (-len(self._papers[k]), self._names[k]))

    def rank(self, query: str, limit: int = 25) -> list[tuple[str, int]]:
        """Author names that fit a query (any order, accents and case ignored), with their
        paper counts; the most prolific first for an empty query."""
        qwords = words(bounded(query))[:8]
        if not qwords:
            return [(self._names[k], len(self._papers[k])) for k in self._ranked[:limit]]
        totals: dict[str, float] | None = None
        for q in qwords:
            best: dict[str, float] = {}
            for w, sim in self._matches(q):
                for key in self._by_word[w]:
                    best[key] = max(best.get(key, 0.0), sim)
            # every query word must fit a word of the name
            totals = (
                best
                if totals is None
                else {k: totals[k] + v for k, v in best.items() if k in totals}
            )
        scored = sorted(
            (totals or {}).items(),
            key=lambda kv: (-kv[1], -len(self._papers[kv[0]]), self._names[kv[0]]),
        )
        return [(self._names[k], len(self._papers[k])) for k, _ in scored[:limit]]

    def _matches(self, q: str) -> list[tuple[str, float]]:
        found = [(q, 1.0)] if q in self._by_word else []
        start = bisect_left(self._words, q)
        for w in self._words[start : start + 50]:
            if not w.startswith(q):
                break
            if w != q:
                found.append((w, 0.9))
        if len(q) >= 4 and q not in self._by_word:
            found += [(w, score / 100) for w, score in self._spelt.near(q).items()]
        return found

    def papers(self, name: str) -> list[Paper]:
        """The papers of an author, matched by folded name, in list order."""
        return list(self._papers.get(compact(name), ()))
