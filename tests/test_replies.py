"""Command logic, as values: the same replies Discord and the console render."""

from __future__ import annotations

import random

import pytest

from bot import replies
from bot.catalogue import CatalogueError
from bot.catalogue.diff import CatalogueDiff, diff_catalogues
from bot.i18n import t
from bot.library import Library
from bot.metadata.models import Facts, PaperMetadata
from bot.models import Catalogue
from bot.replies import Reply
from bot.sources import SourceError
from bot.store import StoreError
from tests.conftest import DATA
from tests.fake_discord import limits


@pytest.fixture(scope="module")
def library(full: Catalogue) -> Library:
    return Library.build(full, DATA / "aliases.toml")


def valid(reply: Reply) -> Reply:
    """Assert the reply is a message Discord would accept, and return it."""
    payload = reply.payload()
    assert limits.message_errors(payload) == []
    assert not limits.is_empty_message(payload)
    return reply


def custom_ids(reply: Reply) -> list[str]:
    return [b.custom_id for row in reply.buttons for b in row if b.custom_id]


def test_paper_card_with_links_citation_and_browse_buttons(library: Library) -> None:
    reply = valid(replies.paper_reply(library, "rwkv", lang="en"))
    assert reply.embeds[0].title == "RWKV: Reinventing RNNs for the Transformer Era"
    links = {b.label: b.url for row in reply.buttons for b in row if b.url}
    assert links == {
        "PDF": "https://arxiv.org/pdf/2305.13048",  # the list links the abstract page
        "arXiv": "https://arxiv.org/abs/2305.13048",
        "Code": "https://github.com/BlinkDL/RWKV-LM",
    }
    assert [b.label for b in reply.buttons[0]] == ["PDF", "arXiv", "Code", "Cite (BibTeX)"]
    assert custom_ids(reply) == [
        "rl:cite:2305.13048",
        "rl:nav:non-transformer:2206.11893:p",
        "rl:nav:non-transformer:2312.00752:n",
        "rl:read:2305.13048",
        "rl:save:2305.13048",
    ]
    assert not reply.ephemeral and reply.content == ""


def test_browse_buttons_walk_the_section_and_stop_at_its_ends(library: Library) -> None:
    first = replies.paper_reply(library, "2111.00396", lang="en")  # first of non-transformer
    prev, nxt = first.buttons[1]
    assert prev.disabled and not nxt.disabled
    reply = replies.browse(library, nxt.custom_id or "", lang="en")
    assert reply is not None and reply.papers == ("2206.11893",)
    last = valid(replies.paper_card(library, library.paper("2407.04620"), lang="en"))  # type: ignore[arg-type]
    assert last.buttons[1][1].disabled
    assert replies.browse(library, "rl:nav:non-transformer:no-such-paper:n", lang="en") is None


def test_browse_stays_in_the_section_it_came_from(library: Library) -> None:
    lstm = library.paper("long-short-term-memory")
    assert lstm is not None
    reply = replies.paper_card(library, lstm, section="in-context-learning", lang="en")
    nav = [c for c in custom_ids(reply) if c.startswith("rl:nav:")]
    assert len(nav) == 2 and all(":in-context-learning:" in c for c in nav)


def test_ambiguous_query_offers_the_others(library: Library) -> None:
    reply = valid(replies.paper_reply(library, "dora", lang="en"))
    assert reply.content.startswith("2 papers fit “dora” about equally")
    assert reply.menu is not None and len(reply.menu.options) == 1
    assert reply.menu.options[0].value != reply.papers[0]
    assert set(reply.papers) == {"2402.09353", "2405.17357"}


def test_no_match_is_a_helpful_answer(library: Library) -> None:
    reply = valid(replies.paper_reply(library, "xyzzy plugh", lang="en"))
    assert reply.ephemeral
    assert "No paper in the reading list matches “xyzzy plugh”" in reply.content
    assert "arXiv" in reply.content  # what to try next
    unknown = valid(replies.paper_reply(library, "arxiv.org/abs/2401.99999", lang="en"))
    assert unknown.content.startswith("arXiv 2401.99999 is not in the reading list.")


def test_user_text_is_echoed_without_markdown_or_mentions(library: Library) -> None:
    reply = valid(replies.paper_reply(library, "@everyone <@&1> **x** qqqzzz", lang="en"))
    assert not limits.would_ping(reply.content, None)
    assert "**x**" not in reply.content


def test_section_pages_turn_only_for_the_asker(library: Library) -> None:
    reply = valid(replies.section_reply(library, "decoder-only", asker=42, lang="en"))
    assert reply.embeds[0].footer.text == "Page 1/2 · 20 papers · /section decoder-only"
    prev, nxt = reply.buttons[0]
    assert prev.disabled and nxt.custom_id == "rl:page:decoder-only:1:42"
    assert reply.menu is not None and len(reply.menu.options) == 10
    refused = replies.page_turn(library, nxt.custom_id, clicker=7, lang="en")
    assert isinstance(refused, str) and "Only the person who asked" in refused
    turned = replies.page_turn(library, nxt.custom_id, clicker=42, lang="en")
    assert isinstance(turned, Reply)
    assert valid(turned).embeds[0].footer.text == "Page 2/2 · 20 papers · /section decoder-only"
    assert turned.menu is not None and turned.menu.options[0].label.startswith("11. ")
    assert turned.buttons[0][1].disabled
    assert isinstance(replies.page_turn(library, "rl:page:gone:0:42", clicker=42, lang="en"), str)
    assert isinstance(replies.page_turn(library, "rl:page:garbage", clicker=42, lang="en"), str)


@pytest.mark.parametrize(
    "query",
    ["non-transformer", "Non-Transformer architectures", "非 Transformer 架构", "non transformer"],
)
def test_section_by_any_of_its_names(library: Library, query: str) -> None:
    reply = valid(replies.section_reply(library, query, lang="en"))
    assert reply.papers[0] == "2111.00396"
    assert reply.buttons == ()  # one page: no page buttons


def test_unknown_section_lists_the_sections(library: Library) -> None:
    reply = valid(replies.section_reply(library, "qqqq", lang="en"))
    assert reply.ephemeral
    assert "No section matches “qqqq”" in reply.content
    assert "`non-transformer`" in (reply.embeds[0].description or "")


def test_author_reply(library: Library) -> None:
    reply = valid(replies.author_reply(library, "gu albert", lang="en"))
    assert reply.embeds[0].title == "Papers by Albert Gu"
    assert len(reply.papers) == 3
    assert valid(replies.author_reply(library, "nobody-at-all", lang="en")).ephemeral


def test_random_is_reproducible_and_respects_the_section(library: Library) -> None:
    a = replies.random_reply(library, random.Random(1), lang="en")
    b = replies.random_reply(library, random.Random(1), lang="en")
    assert a.papers == b.papers
    section = library.section("non-transformer")
    assert section is not None
    for seed in range(20):
        reply = valid(
            replies.random_reply(library, random.Random(seed), "non-transformer", lang="en")
        )
        assert reply.papers[0] in section.paper_ids
        assert reply.embeds[0].author.name == "Random paper"
    assert valid(replies.random_reply(library, random.Random(1), "qqqq", lang="en")).ephemeral


def test_cite(library: Library) -> None:
    reply = valid(replies.cite_reply(library, "attention is all you need", lang="en"))
    assert reply.ephemeral
    card, bib = reply.embeds
    assert card.title == "Attention is all you need" and "id:" not in str(card.to_dict())
    assert "@inproceedings{vaswani2017attention," in (bib.description or "")
    assert bib.footer.text == "BibTeX from the reading list · id: 1706.03762"  # only here


META = {
    "2305.13048": PaperMetadata(
        "2305.13048",
        arxiv=Facts(abstract="Transformers have revolutionized NLP. " * 30, doi="10.18653/x"),
        scholar=Facts(tldr="RWKV is an RNN.", citation_count=4210, venue="EMNLP", year=2023),
    )
}


def test_a_card_with_metadata_has_an_abstract_button(library: Library) -> None:
    rich = library.with_metadata(META)
    reply = valid(replies.paper_reply(rich, "rwkv", lang="en"))
    description = reply.embeds[0].description or ""
    assert (
        description.startswith("**TL;DR** RWKV is an RNN.") and "cited 4,210 times" in description
    )
    labels = [b.label for b in reply.buttons[0]]
    assert labels == ["PDF", "arXiv", "Code", "Abstract", "Cite (BibTeX)"]
    assert custom_ids(reply)[0] == "rl:abs:2305.13048"
    action = replies.click(rich, "rl:abs:2305.13048", "", clicker=1, asker=2, lang="en")
    assert not action.edit and action.reply.ephemeral  # only to the clicker, whoever asked
    abstract = valid(action.reply).embeds
    assert "".join(e.description or "" for e in abstract).startswith("Transformers have")
    assert abstract[-1].footer.text == "Abstract from arXiv (metadata CC0)"
    # no metadata (or no abstract): no button, and an old button answers politely
    assert "Abstract" not in [
        b.label for b in replies.paper_reply(library, "rwkv", lang="en").buttons[0]
    ]
    assert replies.click(library, "rl:abs:2305.13048", "", 1, 1, lang="en").reply.ephemeral
    assert "no longer" in replies.click(rich, "rl:abs:gone", "", 1, 1, lang="en").reply.content
    bib = replies.cite_reply(rich, "rwkv", lang="en").embeds[-1].description or ""
    assert "doi = {10.18653/x}" in bib


def test_a_one_paper_section_has_no_browse_buttons(library: Library) -> None:
    reply = valid(replies.paper_reply(library, "attention is all you need", lang="en"))
    # links and Cite, then the reader's marks; no row of two disabled buttons
    assert [len(row) for row in reply.buttons] == [3, 2]
    assert reply.embeds[0].footer.text == "the only paper in Overview of LLM architectures"


def test_about_credits_the_metadata_sources(library: Library) -> None:
    about = valid(replies.about_reply(library.with_metadata(META), lang="en")).embeds[0]
    credits = {f.name: f.value for f in about.fields}["Paper metadata"] or ""
    assert "arXiv API (metadata CC0)" in credits and "Semantic Scholar" in credits
    assert "1 of 217 papers have an abstract, 1 a TL;DR, 1 a citation count." in credits
    off = replies.about_reply(library, metadata_on=False, lang="en").embeds[0]
    assert "READINGLIST_METADATA=off" in str(off.to_dict())


def test_help_and_about(library: Library) -> None:
    help_text = str(valid(replies.help_reply(lang="en")).embeds[0].to_dict())
    for command in ("/paper", "/section", "/author", "/random", "/cite", "/about"):
        assert command in help_text
    about = valid(replies.about_reply(library, lang="en")).embeds[0]
    fields = {f.name: f.value for f in about.fields}
    assert fields["Papers"] == "217" and fields["Sections"] == "31"


def test_autocomplete_choices(library: Library) -> None:
    choices = replies.paper_choices(library, "mamb")
    assert choices[0].value == "2312.00752"
    assert (
        choices[0].label
        == "Mamba: Linear-Time Sequence Modeling with Selective State Spaces (2023)"
    )
    everything = replies.paper_choices(library, "language")
    assert len(everything) == 25
    assert all(1 <= len(c.label) <= 100 and len(c.value) <= 100 for c in everything)
    assert len(replies.paper_choices(library, "")) == 25
    assert replies.section_choices(library, "非 trans", lang="en")[0].value == "non-transformer"
    assert replies.author_choices(library, "schutze")[0].label == "Hinrich Schütze (2)"


@pytest.mark.parametrize(
    "query",
    ["", " ", "@here", "a" * 6000, "\x00\x1f", "[x](javascript:alert(1))", "%s{0}", "🙂" * 50],
)
def test_every_reply_to_odd_input_is_valid(library: Library, query: str) -> None:
    for make in (
        replies.paper_reply,
        replies.section_reply,
        replies.author_reply,
        replies.cite_reply,
    ):
        reply = valid(make(library, query, lang="en"))
        assert not limits.would_ping(reply.content, None)
    for options in (
        replies.paper_choices(library, query),
        replies.section_choices(library, query, "en"),
        replies.author_choices(library, query),
    ):
        assert (
            limits.choice_errors([{"name": o.label, "value": o.value} for o in options], "c") == []
        )


def test_a_topic_question_to_paper_is_a_ranked_list(library: Library) -> None:
    reply = valid(replies.paper_reply(library, "state space models", "en", asker=7))
    assert not reply.ephemeral
    assert reply.content.startswith("Several papers fit")
    assert reply.papers[:3] == ("2206.11893", "2111.00396", "2312.00752")
    assert reply.menu is not None and [o.value for o in reply.menu.options] == list(reply.papers)


@pytest.mark.parametrize(
    "query",
    ["mistral 7b", "banana", "今天天气怎么样", "dropout"],
)
def test_a_paper_not_in_the_list_gets_no_card_only_suggestions(
    library: Library, query: str
) -> None:
    reply = valid(replies.paper_reply(library, query, "en"))
    assert reply.ephemeral and reply.embeds == ()
    assert "No paper in the reading list matches" in reply.content


def test_search_pages_ten_at_a_time_with_why_each_matched(library: Library) -> None:
    reply = valid(
        replies.search_reply(library, "parameter-efficient fine-tuning", 0, 42, lang="en")
    )
    description = reply.embeds[0].description or ""
    assert description.count("\n**") == 9  # ten entries
    assert "title: parameter, efficient, fine, tuning" in description
    assert len(reply.papers) == 10
    ids = custom_ids(reply)
    assert all(len(c) <= 100 for c in ids)
    nxt = next(c for c in ids if c.startswith("rl:search:1:42:"))
    turned = replies.click(library, nxt, "", 42, 42, "en")
    assert turned.edit and valid(turned.reply).papers != reply.papers
    assert (turned.reply.embeds[0].footer.text or "").startswith("Page 2/")
    refused = replies.click(library, nxt, "", 99, 42, "en")
    assert refused.reply.ephemeral and "run /search yourself" in refused.reply.content


def test_search_in_chinese_and_a_long_query_fit_the_custom_ids(library: Library) -> None:
    reply = valid(replies.search_reply(library, "低秩适配 " * 40, 0, 2**63, lang="zh"))
    assert (reply.embeds[0].title or "").startswith("搜索：")
    assert all(len(c) <= 100 for c in custom_ids(reply))
    nothing = valid(replies.search_reply(library, "xyzzy plugh", 0, 1, lang="zh"))
    assert nothing.ephemeral and nothing.embeds == ()


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("https://raw.example.com/org/repo/main/list.md?token=s3cret", "list.md"),
        ("https://reader:pa55word@example.com/lists/list.md#top", "list.md"),
        ("HTTPS://user@example.com/a/b/list.md?x=1#y", "list.md"),
        ("https://user:pw@example.com/?token=s3cret", "example.com"),
        ("https://user:pw@example.com", "example.com"),
        ("https://example.com/lists/", "lists"),
        ("/srv/readinglist/data/reading-list.md", "reading-list.md"),
        ("data\\reading-list.md", "reading-list.md"),
        ("reading-list.md", "reading-list.md"),
    ],
)
def test_a_source_is_shown_by_its_file_name_without_secrets(source: str, shown: str) -> None:
    assert replies.public_name(source) == shown


def test_urls_in_a_sentence_lose_their_secrets() -> None:
    text = "no entries in https://u:pw@x.org/l.md?token=s3cret, file.md: is it a list?"
    assert replies.public_text(text) == "no entries in l.md, file.md: is it a list?"


def test_a_reload_report_fits_in_a_message_in_both_languages(full: Catalogue) -> None:
    diff = diff_catalogues(Catalogue(), full)
    for lang, head in (("en", "Reloaded the reading list."), ("zh", "已重新加载阅读列表。")):
        text = replies.reload_done(diff, lang)
        assert len(text) <= 2000 and text.startswith(head)
        assert text.endswith(t(lang, "reload.in_log"))
        assert full.papers[0].title[:40] in text  # the first papers are named
    one = replies.reload_done(CatalogueDiff(added=full.papers[:1]), "en")
    assert one == f"Reloaded the reading list.\n+ 1 paper added: {full.papers[0].title}"


def test_a_kept_reload_says_why_within_a_message() -> None:
    long = CatalogueError("catalogue.empty", sources="x" * 5000 + " https://h.org/l.md?token=s3")
    text = replies.reload_kept(long, "en")
    assert text.startswith("Kept the current reading list: no sections") and len(text) <= 2000
    down = SourceError("https://h.org/l.md?token=s3cret", "source.http", status=500, reason="")
    zh = replies.reload_kept(CatalogueError(down.key, **down.params), "zh")
    assert zh == "保留当前阅读列表：l.md: HTTP 500" and "s3cret" not in zh


def test_a_kept_reload_after_a_database_error_says_so_in_the_readers_language() -> None:
    assert replies.reload_kept(StoreError("disk I/O error"), "zh") == t(
        "zh", "reload.kept", reason=t("zh", "error.store")
    )
