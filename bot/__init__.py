"""readinglist-bot: a curated markdown reading list of papers, asked from Discord."""

__version__ = "0.1.0"
