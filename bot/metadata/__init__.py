"""Paper metadata from arXiv and Semantic Scholar: abstracts, TL;DRs, citation counts.

Pure parts: `models` (the values), `arxiv` and `scholar` (the two APIs' formats), `check`
(the reading-list lint). `http` talks to the APIs (politely: paced, retried, one connection);
`enrich` decides what is due and stores it; `background` runs it beside the bot.
"""
