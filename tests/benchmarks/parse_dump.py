"""The full parse result of a corpus of reading lists, written out so that two parsers (main's
and a faster one, or two backends) can be compared byte for byte.

    .venv/bin/python -m tests.benchmarks.parse_dump record-tests CORPUS   # inputs the tests parse
    .venv/bin/python -m tests.benchmarks.parse_dump write OUT [CORPUS] [--large]
    diff -r OUT_A OUT_B

`write` dumps, for every input, each block parse_markdown returns (headings, entries with
every field), its problems, and the assembled Catalogue (papers, sections, problems with
their lines and text, entries, digest): the real lists in ../shared/catalogues, the shipped
list, generated lists at several sizes and seeds (10,000 entries; 100,000 with --large), the
hostile corpus of tests/hostile, and, given a CORPUS file, every text the test suite handed
to the parser (recorded by `record-tests`, which runs pytest with parse_markdown wrapped).
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.catalogue import SectionTable, parse_texts
from bot.catalogue import parse as parse_module
from bot.catalogue.parse import parse_markdown
from tests.benchmarks.generate import generate_list
from tests.conftest import DATA, SHARED


def inputs(corpus: Path | None, large: bool) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(label, [(source, text), ...]) of every input, labels unique."""
    for path in sorted(SHARED.glob("*.md")):
        yield f"shared-{path.stem}", [(path.name, path.read_text(encoding="utf-8"))]
    shipped = DATA / "reading-list.md"
    yield "shipped", [("reading-list.md", shipped.read_text(encoding="utf-8"))]
    both = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SHARED.glob("*.md"))]
    yield "shared-both", both
    for size in (0, 1, 7, 100, 1_000):
        for seed in (7, 1, 2):
            for per_section in (40, 3):
                text = generate_list(size, seed=seed, per_section=per_section)
                yield f"generated-{size}-{seed}-{per_section}", [("g.md", text)]
    yield "generated-10000", [("g.md", generate_list(10_000))]
    if large:
        yield "generated-100000", [("g.md", generate_list(100_000))]
    from tests.hostile.test_catalogues import CASES, as_text

    for label, raw in CASES:
        yield f"hostile-{label}", [(f"{label}.md", as_text(raw))]
    if corpus is not None:
        recorded: list[tuple[str, str]] = pickle.loads(corpus.read_bytes())
        for n, (source, text) in enumerate(recorded):
            yield f"tests-{n:05d}", [(source, text)]


def dump(texts: list[tuple[str, str]], table: SectionTable) -> str:
    """Every block and problem of each text, then the catalogue, one repr a line."""
    lines: list[str] = []
    for source, text in texts:
        parsed = parse_markdown(text, source)
        lines.append(f"== {source!r}")
        lines += [repr(block) for block in parsed.blocks]
        lines += [repr(problem) for problem in parsed.problems]
    catalogue = parse_texts(texts, table)
    lines.append("== catalogue")
    lines += [repr(paper) for paper in catalogue.papers]
    lines += [repr(section) for section in catalogue.sections]
    lines += [repr(problem) for problem in catalogue.problems]
    lines.append(f"entries={catalogue.entries} sources={catalogue.sources!r}")
    lines.append(f"digest={catalogue.digest}")
    return "\n".join(lines) + "\n"


def write(out: Path, corpus: Path | None, large: bool) -> None:
    table = SectionTable.from_toml(DATA / "sections.toml")
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    for label, texts in inputs(corpus, large):
        name = re.sub(r"[^\w.-]", "_", label)
        text = dump(texts, table)
        (out / f"{name}.txt").write_text(text, encoding="utf-8", errors="backslashreplace")
        seen[name] = hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()
    summary = "".join(f"{digest}  {name}\n" for name, digest in sorted(seen.items()))
    (out / "SHA256SUMS").write_text(summary, encoding="utf-8")
    print(f"{len(seen)} inputs dumped to {out}")


def record_tests(corpus: Path, args: list[str]) -> None:
    """Run pytest (on `args`, or the catalogue, hostile and loader tests) recording every
    (source, text) handed to parse_markdown."""
    import pytest

    recorded: dict[tuple[str, str], None] = {}
    original = parse_module.parse_markdown

    def recording(text: str, source: str = "") -> parse_module.ParsedText:
        if isinstance(source, str) and isinstance(text, str):
            recorded[(source, text)] = None
        return original(text, source)

    import bot.catalogue
    import bot.metadata.check

    for module in (parse_module, bot.catalogue, bot.metadata.check):
        module.parse_markdown = recording  # type: ignore[attr-defined]
    pytest.main(["-q", "-p", "no:cacheprovider", *args])
    corpus.write_bytes(pickle.dumps(list(recorded)))
    print(f"{len(recorded)} distinct texts recorded to {corpus}")


def main() -> None:
    args = sys.argv[1:]
    large = "--large" in args
    args = [a for a in args if a != "--large"]
    if args[:1] == ["record-tests"]:
        record_tests(Path(args[1]), args[2:] or ["tests"])
    elif args[:1] == ["write"]:
        write(Path(args[1]), Path(args[2]) if len(args) > 2 else None, large)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
