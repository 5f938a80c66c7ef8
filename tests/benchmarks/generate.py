"""Generated reading lists in the real lists' format, quirks included, for benchmarks."""

from __future__ import annotations

import itertools
import random

_COMMON = (
    "a the of for with and in on to via language model models large learning neural "
    "transformer attention efficient training data retrieval prompt fine-tuning"
).split()
_SYLLABLES = "ka ri to mo na lu se vi do ra ne pa zo qi xu li an er ing or us en ta ch".split()


def _lexicon(rng: random.Random, size: int) -> list[str]:
    """Made-up words, so generated titles have a real list's spread of rare and common words."""
    words = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    return sorted(words)


def _zipf_weights(n: int) -> list[float]:
    """Cumulative Zipf weights: random.choices would sum 20,000 weights at every call."""
    return list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(n)))


def generate_list(entries: int, seed: int = 7, per_section: int = 40) -> str:
    """A markdown reading list of `entries` numbered entries with the real lists' quirks."""
    rng = random.Random(seed)
    lexicon = _lexicon(rng, 20_000)
    vocab = _COMMON + lexicon
    weights = _zipf_weights(len(vocab))
    surnames = [w.capitalize() for w in _lexicon(rng, 5_000)] + ["Schütze", "Jégou", "Gu", "Dao"]
    given = [w.capitalize() for w in _lexicon(rng, 800)] + ["Hervé", "Tri", "Albert"]
    out = ["# Generated list", "", "- [Chapter](#chapter)", "  - [Section](#section)", ""]
    for n in range(entries):
        if n % (per_section * 10) == 0:
            out += ["", f"## Chapter {n // (per_section * 10)}", ""]
        if n % per_section == 0:
            icon = '<img src="..\\figure\\star.svg" width="25" height="25" />'
            out += ["", f"### {icon}Section {n // per_section}", ""]
        out += _entry(rng, n, vocab, weights, given, surnames)
    return "\n".join(out) + "\n"


def generate_titles(count: int, seed: int = 7) -> list[str]:
    """`count` titles like those of `generate_list`, without the list around them."""
    rng = random.Random(seed)
    vocab = _COMMON + _lexicon(rng, 20_000)
    weights = _zipf_weights(len(vocab))
    return [_title(rng, n, vocab, weights) for n in range(count)]


def _title(rng: random.Random, n: int, vocab: list[str], weights: list[float]) -> str:
    title = " ".join(rng.choices(vocab, cum_weights=weights, k=rng.randint(3, 10))).capitalize()
    if n % 3 == 0:  # a model name before a colon, as many real titles have
        title = f"{rng.choice(vocab[len(_COMMON) :]).upper()}{n % 7 or ''}: {title}"
    return title + rng.choice([".", ""])


def _entry(
    rng: random.Random,
    n: int,
    vocab: list[str],
    weights: list[float],
    given: list[str],
    surnames: list[str],
) -> list[str]:
    title = _title(rng, n, vocab, weights)
    names = [f"{rng.choice(given)} {rng.choice(surnames)}" for _ in range(rng.randint(1, 12))]
    style = n % 4
    if style == 0:
        authors = ", ".join(names) + "."
    elif style == 1:
        authors = " and ".join(", ".join(reversed(a.split(" ", 1))) for a in names)
    elif style == 2:
        authors = ", ".join(names[:3]) + ", et al."
    else:
        authors = ",".join(names).replace("Schütze", 'Sch{\\"{u}}tze')
    arxiv = f"{n % 25:02d}{n % 12 + 1:02d}.{n % 100000:05d}"
    pdf = f"[[PDF](https://arxiv.org/abs/{arxiv})]"
    code = rng.choice(["", f"[[Code](https://github.com/x/repo{n})]", " [[Code]()]"])
    year = rng.choice([f", {2000 + n % 25}.", f", {2000 + n % 25}", ""])
    blank = [""] if n % 5 == 0 else []
    venue = rng.choice(["arXiv", "NeurIPS", "", "ACL"])
    return [f"{n % 40 + 1}. **{title}** `{venue}`", *blank, f"   *{authors}* {pdf}{code}{year}", ""]


_NONSENSE = "bo fu gy hw jk qo vy wu xe zy ph th gr st kl mn".split()


def nonsense_query(rng: random.Random) -> str:
    """A query that matches no paper: made-up words, an unknown link or random letters."""
    kind = rng.randrange(4)
    if kind == 0:
        return "".join(rng.choice(_NONSENSE) for _ in range(rng.randint(2, 5)))
    if kind == 1:
        parts = ("".join(rng.choice(_NONSENSE) for _ in range(rng.randint(1, 4))) for _ in "xyz")
        return " ".join(parts)
    if kind == 2:
        return "https://example.com/" + "".join(rng.choice(_NONSENSE) for _ in range(4))
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(rng.randint(3, 40)))
