"""The stored catalogue's image (migration 8): read back instead of the rows when it is
current, never trusted when it is not, and kept again from the rows when missing."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

import bot.store
from bot.models import Catalogue
from bot.store import Store
from tests.conftest import NOW


def _image_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT digest, format FROM catalogue_image").fetchall()


def _set(path: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute(sql, args)


async def _stored(tmp_path: Path, catalogue: Catalogue) -> Path:
    """A database holding `catalogue` (and so its image)."""
    path = tmp_path / "db.sqlite"
    async with await Store.open(path) as store:
        await store.replace_catalogue(catalogue, now=NOW)
    return path


async def _loaded(path: Path) -> Catalogue | None:
    async with await Store.open(path) as store:
        return await store.load_catalogue()


@pytest.fixture
def rows_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the papers' rows fails: a load that succeeds read the image."""

    def refuse(*_: object) -> None:
        raise AssertionError("the rows were read")

    monkeypatch.setattr(bot.store._CatalogueRows, "papers", refuse)


async def test_the_image_is_written_with_the_catalogue_and_read_back_instead_of_the_rows(
    tmp_path: Path, full: Catalogue, rows_refused: None
) -> None:
    path = await _stored(tmp_path, full)
    assert _image_rows(path) == [(full.digest, bot.store._IMAGE_FORMAT)]
    loaded = await _loaded(path)
    assert loaded == full
    assert loaded is not None
    assert loaded.paper("2305.13048") == full.paper("2305.13048")
    # values many papers share are one object, as the rows' reading makes them
    venues = {id(p.venue) for p in loaded.papers if p.venue == "arXiv"}
    assert len(venues) == 1


@pytest.mark.parametrize(
    "spoil",
    [
        "UPDATE catalogue_image SET digest = 'another list'",
        "UPDATE catalogue_image SET format = '0:an older layout'",
        "DELETE FROM catalogue_image",
        "UPDATE catalogue_image SET data = x'80049500'",  # cut short
    ],
)
async def test_an_image_not_of_this_catalogue_and_code_is_ignored_and_made_again(
    tmp_path: Path, chapter: Catalogue, spoil: str
) -> None:
    path = await _stored(tmp_path, chapter)
    _set(path, spoil)
    assert await _loaded(path) == chapter  # from the rows
    assert _image_rows(path) == [(chapter.digest, bot.store._IMAGE_FORMAT)]


class _Loud:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("an image ran code",))


async def test_an_image_that_names_a_class_or_function_is_refused(
    tmp_path: Path, chapter: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    path = await _stored(tmp_path, chapter)
    _set(path, "UPDATE catalogue_image SET data = ?", pickle.dumps(([_Loud()], [], [])))
    assert await _loaded(path) == chapter
    assert "ran code" not in capsys.readouterr().out


async def test_storing_the_same_catalogue_again_restores_its_image(
    tmp_path: Path, chapter: Catalogue
) -> None:
    path = await _stored(tmp_path, chapter)
    _set(path, "DELETE FROM catalogue_image")
    async with await Store.open(path) as store:
        assert await store.replace_catalogue(chapter, now=NOW) is False
    assert _image_rows(path) == [(chapter.digest, bot.store._IMAGE_FORMAT)]


async def test_an_image_that_cannot_be_kept_costs_only_the_rows_reading(
    tmp_path: Path, chapter: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = await _stored(tmp_path, chapter)
    _set(path, "DELETE FROM catalogue_image")

    async def full_disk(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full (injected)")

    monkeypatch.setattr(bot.store, "_set_image", full_disk)
    async with await Store.open(path) as store:
        assert await store.load_catalogue() == chapter
        assert await store.integrity_check() == "ok"
    assert _image_rows(path) == []
