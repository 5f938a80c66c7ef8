"""Reading lists in markdown -> Catalogue values. Pure: no database, no network, no Discord."""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue.assemble import Document, assemble
from bot.catalogue.parse import parse_markdown
from bot.catalogue.sections import SectionTable
from bot.collector import collection_paused
from bot.i18n import Failure
from bot.models import Catalogue

__all__ = ["CatalogueError", "SectionTable", "parse_catalogue", "parse_texts"]


class CatalogueError(Failure):
    """A catalogue that cannot be used at all (unreadable source, nothing in it, or a new
    version that would drop most papers); the message (a key of bot.i18n) says why in one
    sentence."""


def parse_texts(texts: Sequence[tuple[str, str]], table: SectionTable | None = None) -> Catalogue:
    """Parse (source name, markdown text) pairs into one catalogue, in order (the cyclic
    collector paused: parsing makes no cycles, and eleven of its passes took 1.6 s of 8 at
    100,000 entries)."""
    with collection_paused():
        documents = [Document(source, parse_markdown(text, source)) for source, text in texts]
        return assemble(documents, table or SectionTable())


def parse_catalogue(text: str, source: str = "", table: SectionTable | None = None) -> Catalogue:
    """Parse one markdown reading list."""
    return parse_texts([(source, text)], table)
