"""Reading lists in markdown -> Catalogue values. Pure: no database, no network, no Discord."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bot.catalogue.assemble import Document, assemble
from bot.catalogue.parse import parse_markdown
from bot.catalogue.sections import SectionTable
from bot.i18n import Failure
from bot.models import Catalogue

__all__ = ["CatalogueError", "SectionTable", "parse_catalogue", "parse_texts"]


class CatalogueError(Failure):
    """A catalogue that cannot be used at all (unreadable source, nothing in it, or a new
    version that would drop most papers); the message (a key of bot.i18n) says why in one
    sentence."""


def parse_texts(texts: Sequence[tuple[str, str]], table: SectionTable | None = None) -> Catalogue:
    """Parse (source name, markdown text) pairs into one catalogue, in order."""
    with _no_cycle_collection():
        documents = [Document(source, parse_markdown(text, source)) for source, text in texts]
        return assemble(documents, table or SectionTable())


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a list is parsed.

    Parsing makes no reference cycles, but several objects per entry that live until it
    ends, and each full pass of the collector walks all of them (and everything else the
    process holds): at 100,000 entries eleven passes took 1.6 s of 8. Reference counting
    still frees everything as usual; the collector resumes (if it was running) at the end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_catalogue(text: str, source: str = "", table: SectionTable | None = None) -> Catalogue:
    """Parse one markdown reading list."""
    return parse_texts([(source, text)], table)
