"""What a reload changed: the two real lists, then small catalogues built by hand."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.catalogue.diff import CatalogueDiff, Moved, diff_catalogues, drops_most
from bot.models import Catalogue, Paper


def paper(pid: str, *sections: str, title: str = "", **fields: Any) -> Paper:
    return Paper(id=pid, title=title or f"Paper {pid}", sections=sections, **fields)


def catalogue(*papers: Paper) -> Catalogue:
    return Catalogue(papers=papers)


OLD = catalogue(
    paper("a", "rnn-lm", authors=("A. One",), year=2020),
    paper("b", "rnn-lm"),
    paper("c", "scaling"),
    paper("d", "scaling", "peft"),
)


# the real lists


def test_chapter_to_full_list(chapter: Catalogue, full: Catalogue) -> None:
    diff = diff_catalogues(chapter, full)
    assert len(diff.added) == len(full.papers) - len(chapter.papers) == 197
    assert [p.id for p in diff.added] == [p.id for p in full.papers if chapter.paper(p.id) is None]
    assert diff.removed == ()
    # T5 and T0 are also listed in other chapters of the full list
    assert [(m.paper.title[:20], m.before, m.after) for m in diff.moved] == [
        ("Exploring the Limits", ("encoder-decoder",), ("transformer-lm", "encoder-decoder")),
        ("Multitask Prompted T", ("encoder-decoder",), ("encoder-decoder", "peft")),
    ]
    # ... where their repeated entries bring a venue and links the chapter does not have
    assert [p.title[:20] for p in diff.changed_metadata] == [
        "Exploring the Limits",
        "Multitask Prompted T",
    ]
    assert all(full.paper(p.id) is p for p in diff.changed_metadata)
    assert not diff.unchanged
    assert not drops_most(chapter, full)


def test_full_to_chapter_list(chapter: Catalogue, full: Catalogue) -> None:
    diff = diff_catalogues(full, chapter)
    assert diff.added == ()
    assert len(diff.removed) == 197
    assert [m.after for m in diff.moved] == [("encoder-decoder",), ("encoder-decoder",)]
    assert drops_most(full, chapter)
    lines = diff.summary(limit=2, lang="en")
    assert lines[0].startswith("- 197 papers removed: ")
    assert lines[0].endswith(" … and 195 more")
    assert lines[1] == (
        "~ 2 papers moved: Exploring the Limits of Transfer Learning with a Unified Te… "
        "(transformer-lm, encoder-decoder → encoder-decoder); "
        "Multitask Prompted Training Enables Zero-Shot Task Generali… (encoder-decoder, peft → encoder-decoder)"
    )
    assert lines[2].startswith("* 2 papers changed: Exploring the Limits")
    assert len(lines) == 3


def test_a_list_against_itself(full: Catalogue) -> None:
    diff = diff_catalogues(full, full)
    assert diff == CatalogueDiff()
    assert diff.unchanged
    assert diff.summary(lang="en") == ["no changes"]


def test_no_old_catalogue_adds_everything(chapter: Catalogue) -> None:
    diff = diff_catalogues(None, chapter)
    assert diff == CatalogueDiff(added=chapter.papers)
    assert diff.summary(limit=1, lang="en") == [
        f"+ 20 papers added: {chapter.papers[0].title} … and 19 more"
    ]


# small catalogues


def test_added_removed_moved_changed() -> None:
    new = catalogue(
        paper("b", "rnn-lm", "in-context-learning"),  # moved
        paper("a", "rnn-lm", authors=("A. One", "B. Two"), year=2020),  # changed
        paper("e", "peft"),  # added
        paper("d", "peft", "scaling"),  # same sections in another order: not moved
    )
    diff = diff_catalogues(OLD, new)
    assert diff == CatalogueDiff(
        added=(new.papers[2],),
        removed=(OLD.papers[2],),
        moved=(Moved(new.papers[0], ("rnn-lm",), ("rnn-lm", "in-context-learning")),),
        changed_metadata=(new.papers[1],),
    )
    assert diff.summary(lang="en") == [
        "+ 1 paper added: Paper e",
        "- 1 paper removed: Paper c",
        "~ 1 paper moved: Paper b (rnn-lm → rnn-lm, in-context-learning)",
        "* 1 paper changed: Paper a",
    ]


@pytest.mark.parametrize(
    ("change", "changed"),
    [
        ({"title": "A new title"}, True),
        ({"authors": ("B. Two",)}, True),
        ({"et_al": True}, True),
        ({"venue": "NeurIPS"}, True),
        ({"year": 2021}, True),
        ({"pdf": "https://x.org/a.pdf"}, True),
        ({"code": "https://github.com/x/a"}, True),
        ({"links": ("https://x.org/b",)}, True),
        ({"arxiv_id": "2001.00001"}, True),
        # where the entry sits is not metadata: it moves when anything above it changes
        ({"position": 7}, False),
        ({"line": 120}, False),
    ],
)
def test_what_counts_as_changed_metadata(change: dict[str, Any], changed: bool) -> None:
    after = replace(OLD.papers[0], **change)
    diff = diff_catalogues(OLD, catalogue(after, *OLD.papers[1:]))
    assert diff.changed_metadata == ((after,) if changed else ())
    assert (diff.added, diff.removed, diff.moved) == ((), (), ())
    assert diff.unchanged is not changed


def test_a_paper_can_move_and_change_at_once() -> None:
    after = replace(OLD.papers[2], title="Renamed", sections=("peft",))
    diff = diff_catalogues(OLD, catalogue(*OLD.papers[:2], after, OLD.papers[3]))
    assert diff.moved == (Moved(after, ("scaling",), ("peft",)),)
    assert diff.changed_metadata == (after,)


def test_a_paper_leaving_every_section() -> None:
    after = replace(OLD.papers[1], sections=())
    diff = diff_catalogues(OLD, catalogue(OLD.papers[0], after, *OLD.papers[2:]))
    assert diff.summary(lang="en") == ["~ 1 paper moved: Paper b (rnn-lm → no section)"]


def test_everything_removed() -> None:
    diff = diff_catalogues(OLD, Catalogue())
    assert diff.removed == OLD.papers
    assert diff.summary(lang="en") == ["- 4 papers removed: Paper a; Paper b; Paper c; Paper d"]


# summary


MANY = tuple(paper(str(i), "s") for i in range(12))


@pytest.mark.parametrize(
    ("count", "limit", "line"),
    [
        (1, 10, "+ 1 paper added: Paper 0"),
        (3, 3, "+ 3 papers added: Paper 0; Paper 1; Paper 2"),
        (4, 3, "+ 4 papers added: Paper 0; Paper 1; Paper 2 … and 1 more"),
        (
            12,
            10,
            "+ 12 papers added: " + "; ".join(f"Paper {i}" for i in range(10)) + " … and 2 more",
        ),
        (12, 1, "+ 12 papers added: Paper 0 … and 11 more"),
        (12, 0, "+ 12 papers added"),
    ],
)
def test_summary_truncates_per_kind(count: int, limit: int, line: str) -> None:
    diff = CatalogueDiff(added=MANY[:count], removed=MANY[:count])
    assert diff.summary(limit=limit, lang="en") == [
        line,
        "-" + line[1:].replace("added", "removed"),
    ]


def test_summary_shortens_long_titles() -> None:
    long = paper("x", title="A" * 59 + " then much more")
    (line,) = CatalogueDiff(added=(long,)).summary(lang="en")
    assert line == "+ 1 paper added: " + "A" * 59 + "…"


LONG = tuple(paper(f"p{i}", "s", title=f"A long title of paper {i} " * 4) for i in range(40))


@pytest.mark.parametrize("budget", [2000, 600, 100, 0])
def test_summary_names_fewer_papers_to_fit_a_budget_and_always_gives_the_counts(
    budget: int,
) -> None:
    diff = CatalogueDiff(added=LONG, removed=LONG[:30], changed_metadata=LONG[:12])
    lines = diff.summary(budget=budget, lang="en")
    counts = ["+ 40 papers added", "- 30 papers removed", "* 12 papers changed"]
    assert [line.split(":")[0] for line in lines] == counts
    assert len("\n".join(lines)) <= max(budget, len("\n".join(counts)))
    assert all(line.count("; ") < 10 for line in lines)  # never more than `limit` named
    if budget >= 600:
        assert all("A long title of paper 0" in line for line in lines)  # the first of each


def test_summary_within_its_budget_is_unchanged_and_none_names_every_paper() -> None:
    diff = CatalogueDiff(added=MANY)
    assert diff.summary(budget=2000, lang="en") == diff.summary(lang="en")
    (line,) = diff.summary(limit=None, lang="en")
    assert "Paper 11" in line and "more" not in line


# drops_most


@pytest.mark.parametrize(
    ("kept", "share", "drops"),
    [
        (4, 0.5, False),  # nothing removed
        (2, 0.5, False),  # exactly half removed is not more than half
        (1, 0.5, True),
        (0, 0.5, True),
        (3, 0.25, False),  # exactly a quarter
        (2, 0.25, True),
        (0, 1.0, False),  # share 1: never refuse
        (3, 0.0, True),  # share 0: refuse any removal
        (4, 0.0, False),
    ],
)
def test_drops_most_boundaries(kept: int, share: float, drops: bool) -> None:
    new = catalogue(*OLD.papers[:kept], paper("new-1", "s"), paper("new-2", "s"))
    assert drops_most(OLD, new, share) is drops


def test_drops_most_without_old_papers() -> None:
    assert drops_most(None, Catalogue()) is False
    assert drops_most(Catalogue(), Catalogue()) is False
    assert drops_most(Catalogue(), OLD) is False


def test_drops_most_counts_ids_not_sections() -> None:
    moved_everywhere = catalogue(*(replace(p, sections=("elsewhere",)) for p in OLD.papers))
    assert drops_most(OLD, moved_everywhere) is False


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_drops_most_refuses_a_share_outside_0_to_1(share: float) -> None:
    with pytest.raises(ValueError, match="share"):
        drops_most(OLD, OLD, share)
