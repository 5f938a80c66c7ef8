"""Generated reading lists in the real lists' format, quirks included, for benchmarks."""

from __future__ import annotations

import random

_WORDS = (
    "attention scaling sparse retrieval augmented language model transformer efficient low rank "
    "adaptation prompt chain thought reasoning editing memory neural network learning zero shot "
    "few instruction tuning alignment feedback human preference decoding sampling evaluation "
    "benchmark multilingual vision state space recurrent mixture experts quantized distillation"
).split()
_SURNAMES = "Wang Li Zhang Liu Chen Smith Müller Schütze Jégou Gu Dao Vaswani Kaplan Brown".split()
_GIVEN = "Wei Ming Anna Tri Albert Ashish Jared Tom Hervé Maria Yu Xin Jun".split()


def generate_list(entries: int, seed: int = 7, per_section: int = 40) -> str:
    """A markdown reading list of `entries` numbered entries with the real lists' quirks."""
    rng = random.Random(seed)
    out = ["# Generated list", "", "- [Chapter](#chapter)", "  - [Section](#section)", ""]
    for n in range(entries):
        if n % (per_section * 10) == 0:
            out += ["", f"## Chapter {n // (per_section * 10)}", ""]
        if n % per_section == 0:
            icon = '<img src="..\\figure\\star.svg" width="25" height="25" />'
            out += ["", f"### {icon}Section {n // per_section}", ""]
        out += _entry(rng, n)
    return "\n".join(out) + "\n"


def _entry(rng: random.Random, n: int) -> list[str]:
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 10))).capitalize()
    title += f" {n}" + rng.choice([".", ""])
    names = [f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}" for _ in range(rng.randint(1, 12))]
    style = n % 4
    if style == 0:
        authors = ", ".join(names) + "."
    elif style == 1:
        authors = " and ".join(", ".join(reversed(a.split(" ", 1))) for a in names)
    elif style == 2:
        authors = ", ".join(names[:3]) + ", et al."
    else:
        authors = ",".join(names).replace("Schütze", 'Sch{\\"{u}}tze')
    arxiv = f"{2000 + n % 25:02d}{n % 12 + 1:02d}.{n % 100000:05d}"
    pdf = f"[[PDF](https://arxiv.org/abs/{arxiv})]"
    code = rng.choice(["", f"[[Code](https://github.com/x/repo{n})]", " [[Code]()]"])
    year = rng.choice([f", {2000 + n % 25}.", f", {2000 + n % 25}", ""])
    blank = [""] if n % 5 == 0 else []
    venue = rng.choice(["arXiv", "NeurIPS", "", "ACL"])
    return [f"{n % 40 + 1}. **{title}** `{venue}`", *blank, f"   *{authors}* {pdf}{code}{year}", ""]
