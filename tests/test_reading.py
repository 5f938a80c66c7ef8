"""bot.reading with plain values, and the store's reading marks on a real SQLite file."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot import reading
from bot.catalogue import parse_catalogue
from bot.models import Catalogue
from bot.reading import Mark
from bot.store import Store
from tests.conftest import NOW
from tests.test_bibtex import is_valid_bibtex

HEADINGS = {"title": "Mine", "read": "Read", "saved": "Saved", "gone": "Gone"}


def marks_of(full: Catalogue, read: list[str], saved: list[str]) -> list[Mark]:
    ids = dict.fromkeys([*read, *saved])
    return [
        Mark(
            i,
            full.paper(i).title,  # type: ignore[union-attr]
            read_at=NOW if i in read else None,
            saved_at=NOW if i in saved else None,
        )
        for i in ids
    ]


def test_toggle_turns_on_and_off(full: Catalogue) -> None:
    paper = full.paper("2305.13048")
    assert paper is not None
    on = reading.toggled(None, paper, "read", NOW)
    assert on.read_at == NOW and on.saved_at is None and on.title == paper.title
    saved = reading.toggled(on, paper, "saved", NOW + timedelta(hours=1))
    assert saved.read_at == NOW and saved.saved_at == NOW + timedelta(hours=1)
    off = reading.toggled(reading.toggled(saved, paper, "read", NOW), paper, "saved", NOW)
    assert off.empty


def test_progress_per_section_and_next(full: Catalogue) -> None:
    section = full.section("non-transformer")
    assert section is not None
    first, second, *_ = section.paper_ids
    marks = marks_of(full, [first], [second])
    [row] = reading.progress(full, marks, "non-transformer")
    assert (row.read, row.saved, row.total) == (1, 1, 5)
    assert reading.next_unread(full, marks, section) is full.paper(second)
    assert reading.next_unread(full, marks) is full.papers[0] or full.papers[0].id == first
    everything = marks_of(full, list(section.paper_ids), [])
    assert reading.next_unread(full, everything, section) is None
    assert len(reading.progress(full, marks)) == len(full.sections)


@pytest.mark.parametrize(
    ("done", "total", "bar"),
    [
        (0, 5, "▱" * 10),
        (1, 5, "▰▰" + "▱" * 8),
        (5, 5, "▰" * 10),
        (3, 0, "▱" * 10),
        (9, 3, "▰" * 10),
    ],
)
def test_bar(done: int, total: int, bar: str) -> None:
    assert reading.bar(done, total) == bar


def test_history_lists_papers_no_longer_listed_last(full: Catalogue) -> None:
    marks = [
        *marks_of(full, ["2312.00752", "2305.13048"], []),
        Mark("gone-paper", "Gone *paper*", read_at=NOW),
    ]
    entries = reading.history(full, marks)
    assert [e.mark.paper_id for e in entries] == ["2305.13048", "2312.00752", "gone-paper"]
    assert [e.listed for e in entries] == [True, True, False]


def test_export_of_the_whole_list_parses_back(full: Catalogue) -> None:
    ids = [p.id for p in full.papers]
    marks = [*marks_of(full, ids[::2], ids[1::3]), Mark("gone", "A `gone` [paper]", read_at=NOW)]
    parsed = parse_catalogue(reading.export_markdown(full, marks, HEADINGS), "export")
    assert parsed.problems == ()
    assert [s.heading for s in parsed.sections] == ["Read", "Saved", "Gone"]

    # A paper is the same paper when it reads back: its arXiv id, or its title and year (a
    # title id may differ: "-2024" tells editions apart only beside the other edition).
    def same(paper_ids: tuple[str, ...]) -> list[tuple[str, int | None]]:
        found = [parsed.paper(i) or full.paper(i) for i in paper_ids]
        return [(p.title, p.year) for p in found if p is not None]

    def originals(paper_ids: list[str]) -> list[tuple[str, int | None]]:
        return same(tuple(paper_ids))

    assert same(parsed.sections[0].paper_ids) == originals(ids[::2])
    assert same(parsed.sections[1].paper_ids) == originals(ids[1::3])
    by_title = {(p.title, p.year): p for p in full.papers}
    for paper in parsed.papers:
        original = (
            full.paper(paper.id) if paper.arxiv_id else by_title.get((paper.title, paper.year))
        )
        if paper.title == "A 'gone' (paper)":  # the paper no longer listed: its title alone
            continue
        assert original is not None, paper
        assert paper.arxiv_id == original.arxiv_id
        assert (paper.title, paper.authors, paper.venue, paper.year, paper.et_al) == (
            original.title,
            original.authors,
            original.venue,
            original.year,
            original.et_al,
        )
    bib = reading.export_bibtex(full, marks)
    entries = bib.strip().split("\n\n")
    assert len(entries) == len(set(ids[::2]) | set(ids[1::3]))
    assert all(is_valid_bibtex(e) for e in entries)


def test_reading_is_pure() -> None:
    code = (
        "import sys, bot.reading; print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'discord', 'aiohttp', 'aiosqlite'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_store_keeps_marks_per_reader_and_forgets_them(
    tmp_path: Path, full: Catalogue
) -> None:
    rwkv, mamba = full.paper("2305.13048"), full.paper("2312.00752")
    assert rwkv is not None and mamba is not None
    async with await Store.open(tmp_path / "db") as store:
        await store.toggle_reading(1, rwkv, "read", now=NOW)
        await store.toggle_reading(1, mamba, "saved", now=NOW)
        await store.toggle_reading(2, rwkv, "read", now=NOW)
        off = await store.toggle_reading(2, rwkv, "read", now=NOW)
        assert off.empty
        assert await store.reading_marks(2) == []  # an empty mark is not kept
        assert await store.forget_reader(1) == 2
        assert await store.reading_marks(1) == []
        await store.toggle_reading(3, rwkv, "saved", now=NOW)
    async with await Store.open(tmp_path / "db") as store:  # kept across a restart
        assert await store.reading_marks(3) == [Mark(rwkv.id, rwkv.title, saved_at=NOW)]
