"""Paper metadata: the two APIs' formats, polite fetching against fake arXiv and Semantic
Scholar servers on 127.0.0.1, and what is stored. No test needs the network or waits for the
politeness delays: the clock and the sleep are fakes that record what would be waited."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.metadata import arxiv, scholar
from bot.metadata.enrich import EnrichReport, due, enrich, stored_metadata
from bot.metadata.http import Pacer, open_clients
from bot.metadata.models import ARXIV, SCHOLAR, Facts, SourceRecord
from bot.models import Catalogue, Paper
from bot.store import MIGRATIONS, Store
from tests.fake_metadata import ArxivPaper, FakeMetadata, ScholarPaper, from_catalogue

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
KEY = "s2-secret-key-0123456789"


class FakeTime:
    """A monotonic clock that only sleeping moves; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# --- formats ----------------------------------------------------------------------------------

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: id_list=2305.13048,bad</title>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">2</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2305.13048v2</id>
    <published>2023-05-22T17:57:53Z</published>
    <title>RWKV: Reinventing RNNs for the
      Transformer Era</title>
    <summary>  Transformers have revolutionized almost all natural language
processing (NLP) tasks.
</summary>
    <author><name>Bo Peng</name></author>
    <author><name>Eric Alcaide</name></author>
    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.18653/v1/2023.findings-emnlp.936</arxiv:doi>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">EMNLP 2023 Findings</arxiv:journal_ref>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_bad</id>
    <title>Error</title>
    <summary>incorrect id format for bad</summary>
  </entry>
</feed>"""


def test_an_atom_feed_is_read_with_its_namespaces() -> None:
    feed = arxiv.parse_feed(ATOM)
    assert feed.total == 2 and feed.errors == ("incorrect id format for bad",)
    facts = feed.papers["2305.13048"]  # the version is not part of the id
    assert facts.title == "RWKV: Reinventing RNNs for the Transformer Era"
    assert facts.abstract == (
        "Transformers have revolutionized almost all natural language processing (NLP) tasks."
    )
    assert facts.authors == ("Bo Peng", "Eric Alcaide")
    assert (facts.published, facts.year) == ("2023-05-22", 2023)
    assert facts.doi == "10.18653/v1/2023.findings-emnlp.936"
    assert facts.journal_ref == "EMNLP 2023 Findings"
    assert facts.primary_category == "cs.CL" and facts.categories == ("cs.CL", "cs.AI")
    assert not feed.empty


def test_an_empty_page_and_junk_are_told_apart() -> None:
    empty = '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    assert arxiv.parse_feed(empty).empty
    with pytest.raises(arxiv.FeedError):
        arxiv.parse_feed("<html>Rate exceeded</html>")
    with pytest.raises(arxiv.FeedError):
        arxiv.parse_feed(b"\x00 not xml")


def test_a_semantic_scholar_paper_and_its_gaps() -> None:
    item = {
        "paperId": "abc",
        "title": "BERT",
        "abstract": None,  # withheld by the publisher
        "tldr": None,
        "citationCount": 90000,
        "influentialCitationCount": 9000,
        "venue": "NAACL",
        "year": 2019,
        "externalIds": {"ACL": "N19-1423", "DOI": "10.18653/v1/N19-1423", "MAG": None},
        "openAccessPdf": {"url": "", "status": None},
        "authors": [{"authorId": "1", "name": "Jacob Devlin"}, {"name": None}],
    }
    facts = scholar.parse_paper(item)
    assert facts is not None
    assert (facts.abstract, facts.tldr, facts.open_access_pdf) == ("", "", "")
    assert facts.citation_count == 90000 and facts.doi == "10.18653/v1/N19-1423"
    assert facts.authors == ("Jacob Devlin",)
    assert dict(facts.external_ids) == {"ACL": "N19-1423", "DOI": "10.18653/v1/N19-1423"}
    assert scholar.parse_paper(None) is None  # the batch endpoint's null: an unknown id


@pytest.mark.parametrize(
    ("paper_id", "lookup"),
    [
        ("2305.13048", "ARXIV:2305.13048"),
        ("bert-pre-training-of-deep-bidirectional-transformer", "ACL:N19-1423"),
        ("rouge-a-package-for-automatic-evaluation-of-summaries", "ACL:W04-1013"),
        ("multidimensional-binary-search-trees-used-for-assoc", "DOI:10.1145/361002.361007"),
        ("long-short-term-memory", None),  # only its title finds it
    ],
)
def test_lookup_ids_from_the_real_list(full: Catalogue, paper_id: str, lookup: str | None) -> None:
    paper = next(p for p in full.papers if p.id.startswith(paper_id))
    assert scholar.lookup_id(paper) == lookup


@pytest.mark.parametrize(
    ("listed", "found", "agrees"),
    [
        ("Long Short-Term Memory", "Long short-term memory.", True),
        ("Attention is all you need", "Attention Is All You Need", True),
        ("hierarchical speculative decodingr", "Hierarchical Speculative Decoding", True),
        ("Long Short-Term Memory", "Long Short-Term Memory Networks for Text", False),
        ("Introducing ChatGPT", "Introducing Chinese ChatGPT benchmarks", False),
        ("", "Anything", False),
    ],
)
def test_a_title_match_is_accepted_only_when_the_titles_agree(
    listed: str, found: str, agrees: bool
) -> None:
    assert scholar.title_agrees(listed, found) is agrees


async def test_the_pacer_spaces_requests() -> None:
    time = FakeTime()
    pacer = Pacer(3.0, time.clock, time.sleep)
    await pacer.wait()
    await pacer.wait()
    time.now += 1.0  # a second of work between two requests
    await pacer.wait()
    assert time.sleeps == [3.0, 2.0]
    assert pacer.waited == 5.0


def test_due_papers() -> None:
    papers = [Paper(id=i, title=i) for i in ("new", "fresh", "stale")]
    records = {
        ("fresh", ARXIV): SourceRecord("fresh", ARXIV, NOW - timedelta(days=29), None),
        ("stale", ARXIV): SourceRecord("stale", ARXIV, NOW - timedelta(days=30), Facts()),
    }
    ttl = timedelta(days=30)
    assert [p.id for p in due(papers, records, ARXIV, now=NOW, ttl=ttl)] == ["new", "stale"]
    assert len(due(papers, records, ARXIV, now=NOW, ttl=ttl, force=True)) == 3


# --- against the fakes ------------------------------------------------------------------------


@pytest.fixture
async def served(full: Catalogue) -> AsyncIterator[FakeMetadata]:
    async with from_catalogue(full) as fake:
        yield fake
        assert fake.problems == []


def settings_for(fake: FakeMetadata, tmp_path: Path, **env: str) -> Settings:
    return Settings.from_mapping(
        {
            "READINGLIST_DB": str(tmp_path / "db"),
            "ARXIV_API_URL": fake.arxiv_url,
            "SEMANTIC_SCHOLAR_API_URL": fake.scholar_url,
            **env,
        }
    )


async def run(
    store: Store,
    catalogue: Catalogue,
    settings: Settings,
    time: FakeTime,
    *,
    now: datetime = NOW,
    force: bool = False,
) -> EnrichReport:
    async with open_clients(settings, clock=time.clock, sleep=time.sleep) as clients:
        return await enrich(
            store, catalogue, clients, now=now, ttl=settings.metadata_ttl, force=force
        )


async def test_the_full_list_is_fetched_in_few_polite_requests(
    full: Catalogue, served: FakeMetadata, tmp_path: Path
) -> None:
    settings = settings_for(served, tmp_path, SEMANTIC_SCHOLAR_API_KEY=KEY)
    time = FakeTime()
    progress: list[tuple[int, int]] = []
    async with await Store.open(settings.db_path) as store:
        async with open_clients(settings, clock=time.clock, sleep=time.sleep) as clients:
            report = await enrich(
                store,
                full,
                clients,
                now=NOW,
                ttl=settings.metadata_ttl,
                progress=lambda done, total: progress.append((done, total)),
            )
        stored = await stored_metadata(store)
    arxiv_ids = [p.arxiv_id for p in full.papers if p.arxiv_id]
    assert len(arxiv_ids) == 171
    asked = [r.query["id_list"].split(",") for r in served.of("/api/query")]
    assert [len(ids) for ids in asked] == [100, 71]  # batches of at most 100
    assert sorted(i for ids in asked for i in ids) == sorted(arxiv_ids)
    [batch] = served.of("/graph/v1/paper/batch")  # one batch: every id at once (<= 500)
    assert len(batch.body["ids"]) == 185 and batch.query["fields"] == scholar.FIELDS
    assert {i.split(":")[0] for i in batch.body["ids"]} == {"ARXIV", "ACL", "DOI"}
    matches = served.of("/graph/v1/paper/search/match")
    assert len(matches) == 32  # the papers with neither an arXiv id, an ACL id nor a DOI
    assert all(r.headers.get("x-api-key") == KEY for r in served.requests if "graph" in r.path)
    assert all("x-api-key" not in r.headers for r in served.of("/api/query"))
    # one request every 3 s to arXiv, every second to Semantic Scholar, and no more
    assert time.sleeps.count(3.0) == 1 and time.sleeps.count(1.0) == 32
    assert report.requests == {"arxiv": 2, "semanticscholar": 33}
    assert report.waited == {"arxiv": 3.0, "semanticscholar": 32.0}
    # what is known
    assert report.unavailable == {}
    assert report.abstracts == 207 and report.tldrs == 172 and report.citations == 215
    assert [p.title for p in report.not_found] == [
        "Introducing chatgpt",
        "Introducing Meta Llama 3: The most capable openly available LLM to date",
    ]
    rwkv = stored["2305.13048"]
    assert rwkv.arxiv is not None and rwkv.arxiv.categories
    assert rwkv.tldr.startswith("This paper introduces RWKV") and rwkv.citation_count is not None
    lstm = stored["long-short-term-memory"]  # found by its title
    assert lstm.arxiv is None and lstm.scholar is not None and lstm.tldr
    assert lstm.abstract == ""  # withheld by its publisher, and not on arXiv
    assert progress[0] == (0, 388) and progress[-1] == (388, 388)


async def test_a_withheld_abstract_comes_from_arxiv_and_a_missing_one_stays_missing(
    tmp_path: Path,
) -> None:
    papers = (
        Paper(id="2305.13048", title="RWKV", arxiv_id="2305.13048"),
        Paper(id="bert", title="BERT", pdf="https://aclanthology.org/N19-1423.pdf"),
    )
    fake = FakeMetadata(
        [ArxivPaper("2305.13048", "RWKV", ["Bo Peng"], "From arXiv.", "2023-05-22T00:00:00Z")],
        [
            ScholarPaper(
                "a", "RWKV", [], None, "tl", 2023, "EMNLP", 5, external_ids={"ArXiv": "2305.13048"}
            ),
            ScholarPaper(
                "b", "BERT", [], None, None, 2019, "NAACL", 9, external_ids={"ACL": "N19-1423"}
            ),
        ],
    )
    async with fake, await Store.open(tmp_path / "db") as store:
        await run(store, Catalogue(papers=papers), settings_for(fake, tmp_path), FakeTime())
        stored = await stored_metadata(store)
    assert stored["2305.13048"].abstract == "From arXiv."
    assert stored["bert"].abstract == "" and stored["bert"].citation_count == 9


async def test_a_title_match_that_is_another_paper_is_refused(tmp_path: Path) -> None:
    papers = (Paper(id="lstm", title="Long Short-Term Memory"),)
    other = ScholarPaper("x", "Long Short-Term Memory Networks for Text", [], "a", "t", 2015, "", 3)
    async with FakeMetadata([], [other]) as fake, await Store.open(tmp_path / "db") as store:
        report = await run(
            store, Catalogue(papers=papers), settings_for(fake, tmp_path), FakeTime()
        )
        [match] = fake.of("/graph/v1/paper/search/match")
        assert match.query["query"] == "Long Short-Term Memory"
        assert [p.id for p in report.not_found] == ["lstm"]
        assert (await store.metadata_records())[0].facts is None  # remembered as not found


async def test_reloading_fetches_only_unseen_papers_and_the_ttl_refreshes_all(
    full: Catalogue, served: FakeMetadata, tmp_path: Path
) -> None:
    settings = settings_for(served, tmp_path)
    async with await Store.open(settings.db_path) as store:
        first = Catalogue(papers=full.papers[:50])
        await run(store, first, settings, FakeTime())
        served.requests.clear()
        again = await run(store, first, settings, FakeTime(), now=NOW + timedelta(days=1))
        assert served.requests == [] and again.stored == 0  # nothing due: no request at all
        grown = Catalogue(papers=full.papers[:60])
        report = await run(store, grown, settings, FakeTime(), now=NOW + timedelta(days=2))
        new = {p.arxiv_id for p in full.papers[50:60] if p.arxiv_id}
        assert set(served.of("/api/query")[0].query["id_list"].split(",")) == new
        assert report.asked == {ARXIV: len(new), SCHOLAR: 10}
        served.requests.clear()
        later = await run(store, grown, settings, FakeTime(), now=NOW + timedelta(days=31))
        assert later.asked[SCHOLAR] == 50  # the first fifty are older than 30 days
        forced = await run(
            store, grown, settings, FakeTime(), now=NOW + timedelta(days=31), force=True
        )
        assert forced.asked[SCHOLAR] == 60


async def test_429_is_waited_out_as_retry_after_asks(
    full: Catalogue, served: FakeMetadata, tmp_path: Path
) -> None:
    served.rate_limits, served.retry_after = 2, "7"
    time = FakeTime()
    async with await Store.open(tmp_path / "db") as store:
        papers = Catalogue(papers=full.papers[100:110])
        report = await run(store, papers, settings_for(served, tmp_path), time)
    assert report.unavailable == {}
    assert time.sleeps.count(7.0) == 2  # Retry-After, twice, before the batch went through
    assert len(served.of("/graph/v1/paper/batch")) == 3


async def test_empty_pages_and_5xx_are_retried_with_backoff(
    full: Catalogue, served: FakeMetadata, tmp_path: Path
) -> None:
    served.empty_pages, served.arxiv_errors = 1, 1
    time = FakeTime()
    async with await Store.open(tmp_path / "db") as store:
        arxiv_papers = Catalogue(papers=tuple(p for p in full.papers if p.arxiv_id)[:5])
        report = await run(store, arxiv_papers, settings_for(served, tmp_path), time)
    assert len(served.of("/api/query")) == 3  # a 503, an empty page, then the answer
    assert time.sleeps[:2] == [3.0, 9.0]  # backoff (it also covers the 3 s politeness delay)
    assert report.abstracts == 5 and report.unavailable == {}


async def test_a_source_that_keeps_failing_is_reported_and_its_papers_stay_due(
    full: Catalogue, served: FakeMetadata, tmp_path: Path
) -> None:
    served.empty_pages = 10
    async with await Store.open(tmp_path / "db") as store:
        papers = Catalogue(papers=tuple(p for p in full.papers if p.arxiv_id)[:5])
        report = await run(store, papers, settings_for(served, tmp_path), FakeTime())
        assert report.unavailable[ARXIV].startswith("arXiv: an empty or unreadable answer after 4")
        assert not any(r.source == ARXIV for r in await store.metadata_records())
        assert report.requests["semanticscholar"] == 1  # the other source still answered


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_no_network_is_quiet_and_harmless(
    full: Catalogue, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = closed_port()  # nothing listens there
    settings = Settings.from_mapping(
        {
            "ARXIV_API_URL": f"http://127.0.0.1:{port}/api/query",
            "SEMANTIC_SCHOLAR_API_URL": f"http://127.0.0.1:{port}/graph/v1",
            "SEMANTIC_SCHOLAR_API_KEY": KEY,
        }
    )
    caplog.set_level(logging.DEBUG)
    async with await Store.open(tmp_path / "db") as store:
        report = await run(store, Catalogue(papers=full.papers[:20]), settings, FakeTime())
        assert await store.metadata_records() == []
    assert set(report.unavailable) == {ARXIV, SCHOLAR}
    assert "cannot connect to 127.0.0.1" in report.unavailable[ARXIV]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(KEY not in r.getMessage() for r in caplog.records)  # the key is never logged
    assert KEY not in str(report.summary()) and KEY not in repr(settings)


async def test_the_store_keeps_records_by_paper_and_source(tmp_path: Path) -> None:
    facts = Facts(title="T", authors=("A",), categories=("cs.CL",), external_ids=(("DOI", "1"),))
    records = [
        SourceRecord("p", ARXIV, NOW, facts),
        SourceRecord("p", SCHOLAR, NOW, None),
    ]
    async with await Store.open(tmp_path / "db") as store:
        assert await store.schema_version() == len(MIGRATIONS)
        await store.save_metadata(records)
        await store.save_metadata([replace(records[1], facts=Facts(tldr="x"))])  # replaces
        back = sorted(await store.metadata_records(), key=lambda r: r.source)
    assert back[0] == records[0]
    assert back[1].facts == Facts(tldr="x")


TINY = """\
## Chapter
### Section
1. **RWKV: Reinventing RNNs for the Transformer Era.** `EMNLP`
   *Bo Peng, Eric Alcaide.* [[PDF](https://arxiv.org/abs/2305.13048)], 2023.
2. **BERT.** `NAACL`
   *Jacob Devlin.* [[PDF](https://aclanthology.org/N19-1423.pdf)], 2019.
"""


async def test_the_enrich_command(tmp_path: Path) -> None:
    import asyncio
    import json
    import sys

    from bot.catalogue import SectionTable, parse_catalogue
    from tests.conftest import ROOT

    path = tmp_path / "list.md"
    path.write_text(TINY, encoding="utf-8")
    catalogue = parse_catalogue(TINY, str(path), SectionTable())
    async with from_catalogue(catalogue) as fake:
        env = {
            "PATH": "/usr/bin:/bin",
            "ARXIV_API_URL": fake.arxiv_url,
            "SEMANTIC_SCHOLAR_API_URL": fake.scholar_url,
        }
        args = ["--catalogue", str(path), "--db", str(tmp_path / "db")]

        async def enrich_command(*extra: str) -> dict[str, object]:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "enrich",
                "--json",
                *extra,
                *args,
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await process.communicate()
            assert process.returncode == 0, err.decode()
            return dict(json.loads(out))

        first = await enrich_command()
        assert first["with_abstract"] == 2 and first["with_citation_count"] == 2
        assert first["requests"] == {"arxiv": 1, "semanticscholar": 1}
        assert (await enrich_command())["requests"] == {"arxiv": 0, "semanticscholar": 0}
        assert (await enrich_command("--force"))["asked"] == {"arxiv": 1, "semanticscholar": 2}


def test_the_progress_bar() -> None:
    import io

    from bot.__main__ import _Bar

    out = io.StringIO()
    bar = _Bar(out, width=10)
    bar(0, 4)
    bar(2, 4)
    bar.done()
    assert out.getvalue() == (
        "\rfetching metadata [..........] 0/4\rfetching metadata [#####.....] 2/4\n"
    )
