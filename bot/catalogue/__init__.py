"""Reading lists in markdown -> Catalogue values. Pure: no database, no network, no Discord."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.catalogue.assemble import Document, assemble
from bot.catalogue.parse import parse_markdown
from bot.catalogue.sections import SectionTable
from bot.models import Catalogue, Problem

__all__ = ["CatalogueError", "SectionTable", "parse_catalogue", "parse_texts", "read_catalogue"]


class CatalogueError(Exception):
    """A catalogue that cannot be used at all (unreadable file, nothing in it)."""


def parse_texts(texts: Sequence[tuple[str, str]], table: SectionTable | None = None) -> Catalogue:
    """Parse (source name, markdown text) pairs into one catalogue, in order."""
    documents = [Document(source, parse_markdown(text, source)) for source, text in texts]
    return assemble(documents, table or SectionTable())


def parse_catalogue(text: str, source: str = "", table: SectionTable | None = None) -> Catalogue:
    """Parse one markdown reading list."""
    return parse_texts([(source, text)], table)


def read_catalogue(paths: Sequence[Path], table: SectionTable | None = None) -> Catalogue:
    """Read and parse reading-list files; a file that cannot be read raises CatalogueError."""
    texts: list[tuple[str, str]] = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CatalogueError(f"cannot read {path}: {exc.strerror or exc}") from exc
        texts.append((str(path), _decode(raw, path)))
    catalogue = parse_texts(texts, table)
    if not catalogue.papers and not catalogue.sections:
        raise CatalogueError(
            f"no sections or entries found in {', '.join(map(str, paths))}: is it a reading list?"
        )
    return catalogue


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:8192]:
        raise CatalogueError(f"{path} is a binary file, not a markdown reading list")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and load it again"
        ) from exc


def problems_text(problems: Sequence[Problem]) -> list[str]:
    """One readable line per problem."""
    return [
        f"{p.source}:{p.line}: {p.message}" + (f": {p.text[:80]!r}" if p.text else "")
        for p in problems
    ]
