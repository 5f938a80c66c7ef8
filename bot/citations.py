"""Pasted citations and links from other sites, read for what identifies a paper. Pure.

- `parse_citation` finds the title, the authors' surnames and the year in a reference as
  people copy it: APA, MLA, Chicago, Vancouver, GB/T 7714 (`[J]`, `[C]`), BibTeX entries and
  Google Scholar result lines.
- `link_keys` gives the identifiers a link or id carries beyond arXiv ids: DOIs, ACL
  Anthology ids, OpenReview ids, NeurIPS proceedings hashes, PMLR, AAAI and IEEE pages. The
  index computes them for every link of the list, the query for what was pasted, and equal
  keys are the same paper.
- `slug_words` reads the title in a link whose last path segment is one
  (`papers.nips.cc/paper/7181-attention-is-all-you-need`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.IGNORECASE)
_ACL_ID = re.compile(
    r"(?<![\w.])([A-Z]\d{2}-\d{4}|\d{4}\.[a-z]+(?:-[a-z]+)*\.\d+)(?:v\d+)?(?:\.pdf)?(?![\w])",
    re.IGNORECASE,
)
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf|attachment)\?id=([\w-]+)", re.IGNORECASE)
_NIPS_HASH = re.compile(r"(?:nips\.cc|neurips\.cc)/\S*?([0-9a-f]{32})", re.IGNORECASE)
_PMLR = re.compile(r"proceedings\.mlr\.press/(v\d+)/([a-z0-9-]+?)(?:/|\.html|\.pdf|$)", re.I)
_AAAI = re.compile(r"ojs\.aaai\.org/index\.php/\w+/article/(?:view|download)/(\d+)", re.I)
_IEEE = re.compile(r"ieeexplore\.ieee\.org/(?:abstract/)?document/(\d+)", re.IGNORECASE)
_TRAILING = ".,;:)]}>'\""
# What a text needs for any of the patterns above to match (a DOI's "10.", a site's name):
# most links of a list are arXiv's and GitHub's, with no key, and are passed over at once.
_KEY_MARKS = ("10.", "acl", "openreview", "nips.cc", "neurips.cc", "mlr.press", "aaai", "ieee")

# Citation styles.
_BIB_FIELD = re.compile(r"\b(title|author|year|journal|booktitle)\s*=\s*", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{8,300})[\"“”«»]")
_GBT_MARK = re.compile(r"\[(?:J|C|M|D|R|S|P|EB|OL|Z|N|A|G|DB|CP|EB/OL|J/OL|C/OL)\]")
_APA_YEAR = re.compile(r"\((\d{4})[a-z]?(?:,[^)]*)?\)\.?\s+")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_SCHOLAR_AUTHORS = re.compile(
    r"(?:^|[\s.])((?:[A-Z]{1,3}\s+[A-Z][\w'-]+,\s*)+[A-Z]{1,3}\s+[A-Z][\w'-]+\s*…?)\s*-\s"
)
_NAME_LIST = re.compile(r"^[\w\s,.&'’-]+$")


@dataclass(frozen=True, slots=True)
class Citation:
    """What a pasted reference says about the paper: title, surnames, year."""

    title: str
    surnames: tuple[str, ...] = ()
    year: int | None = None


def link_keys(text: str) -> list[str]:
    """The identifiers in a link or id other than an arXiv id: `doi:`, `acl:`, `openreview:`,
    `nips:`, `pmlr:`, `aaai:`, `ieee:` keys, lowercase."""
    if not _may_have_keys(text):
        return []
    keys: list[str] = []
    for m in _DOI.finditer(text):
        doi = m.group(1).rstrip(_TRAILING).lower()
        keys.append(f"doi:{doi}")
        if doi.startswith("10.18653/v1/"):
            keys.append(f"acl:{doi.removeprefix('10.18653/v1/')}")
    if "aclanthology" in text.lower() or "aclweb.org" in text.lower() or _looks_like_acl(text):
        keys += [f"acl:{m.group(1).lower()}" for m in _ACL_ID.finditer(text)]
    keys += [f"openreview:{m.group(1)}" for m in _OPENREVIEW.finditer(text)]
    keys += [f"nips:{m.group(1).lower()}" for m in _NIPS_HASH.finditer(text)]
    keys += [f"pmlr:{m.group(1)}/{m.group(2)}".lower() for m in _PMLR.finditer(text)]
    keys += [f"aaai:{m.group(1)}" for m in _AAAI.finditer(text)]
    keys += [f"ieee:{m.group(1)}" for m in _IEEE.finditer(text)]
    return list(dict.fromkeys(keys))


def _may_have_keys(text: str) -> bool:
    if not text.isascii():  # the patterns ignore case as Unicode does ("ſ" is "s")
        return True
    lowered = text.lower()
    for mark in _KEY_MARKS:
        if mark in lowered:
            return True
    return "/" not in text and _looks_like_acl(text)  # a bare id has no slash


def _looks_like_acl(text: str) -> bool:
    """A bare ACL Anthology id, alone in the query (`P19-1355`, `2021.acl-long.1`)."""
    return bool(_ACL_ID.fullmatch(text.strip()))


def arxiv_doi(text: str) -> str | None:
    """The arXiv id in an arXiv DOI (`10.48550/arXiv.2106.09685`)."""
    found = _ARXIV_DOI.search(text)
    return found.group(1) if found else None


_SLUG_HOSTS = ("nips.cc/paper/", "paperswithcode.com/paper/", "semanticscholar.org/paper/")


def slug_words(text: str) -> str | None:
    """The title words of a link whose path ends in the title, hyphenated; None otherwise."""
    lowered = text.strip().lower()
    for host in _SLUG_HOSTS:
        at = lowered.find(host)
        if at < 0 or " " in text.strip():
            continue
        segments = [s for s in text.strip()[at + len(host) :].split("/") if s]
        for segment in segments:
            words = [w for w in re.split(r"[-_+]", segment.split("?")[0]) if w]
            if words and words[0].isdigit():  # NeurIPS' "7181-attention-is-all-you-need"
                words = words[1:]
            if len(words) >= 2 and sum(w.isalpha() for w in words) >= 2:
                return " ".join(words)
    return None


def parse_citation(text: str) -> Citation | None:
    """The title, surnames and year of a pasted reference; None when the text does not look
    like one."""
    text = " ".join(text.split())
    if len(text) < 25:
        return None
    if text.lstrip().startswith("@") and "{" in text:
        return _bibtex(text)
    year = _year(text)
    if found := _QUOTED.search(text):  # MLA, Chicago
        return Citation(_clean(found.group(1)), _surnames(text[: found.start()]), year)
    if found := _GBT_MARK.search(text):  # GB/T 7714
        head = text[: found.start()]
        authors, _, title = head.rpartition(". ")
        return Citation(_clean(title or head), _surnames(authors), year)
    if found := _APA_YEAR.search(text):  # APA: Authors (2020). Title. Venue.
        title = re.split(r"(?<=[.?!])\s", text[found.end() :], maxsplit=1)[0]
        return Citation(_clean(title), _surnames(text[: found.start()]), int(found.group(1)))
    if found := _SCHOLAR_AUTHORS.search(text):  # Google Scholar: Title A Name, B Name… - …
        title = text[: found.start(1)].strip()
        if len(title) >= 8:
            return Citation(_clean(title), _surnames(found.group(1)), year)
    sentences = re.split(r"(?<=[.?!])\s+", text)
    if len(sentences) >= 2 and _is_name_list(sentences[0]):  # Vancouver: Names. Title. ...
        return Citation(_clean(sentences[1]), _surnames(sentences[0]), year)
    return None


def _bibtex(text: str) -> Citation | None:
    fields: dict[str, str] = {}
    for m in _BIB_FIELD.finditer(text):
        fields.setdefault(m.group(1).lower(), _bib_value(text, m.end()))
    title = fields.get("title")
    if not title:
        return None
    authors = [a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
    surnames = tuple(
        (a.split(",")[0] if "," in a else a.split()[-1]).strip().lower()
        for a in authors
        if a.lower() != "others"
    )
    year = _year(fields.get("year", ""))
    return Citation(_clean(title), surnames, year)


def _bib_value(text: str, at: int) -> str:
    """A BibTeX field's value: {nested {braces}}, "quoted" or bare, braces removed."""
    if at >= len(text):
        return ""
    opening = text[at]
    if opening == "{":
        depth, k = 0, at
        while k < len(text):
            depth += {"{": 1, "}": -1}.get(text[k], 0)
            if depth == 0:
                break
            k += 1
        value = text[at + 1 : k]
    elif opening == '"':
        end = text.find('"', at + 1)
        value = text[at + 1 : end if end > 0 else len(text)]
    else:
        value = re.split(r"[,}\s]", text[at:], maxsplit=1)[0]
    return value.replace("{", "").replace("}", "")


def _clean(title: str) -> str:
    return title.strip().strip(_TRAILING + " ").strip()


def _year(text: str) -> int | None:
    years = [int(y) for y in _YEAR.findall(text)]
    return years[-1] if years else None


def _is_name_list(sentence: str) -> bool:
    """The first sentence of a Vancouver or GB/T reference: names with initials."""
    return (
        bool(_NAME_LIST.match(sentence))
        and ("," in sentence or " and " in sentence)
        and bool(re.search(r"\b[A-Z]{1,3}\b", sentence))
    )


def _surnames(authors: str) -> tuple[str, ...]:
    """Surnames in an author list, however it is written ("Hu, E. J.", "Gu A", "J Wei"),
    lowercase; initials and "et al." left out."""
    found: list[str] = []
    for word in re.findall(r"[^\W\d_][\w'’-]*", authors):
        if len(word) < 2 or (word.isupper() and len(word) <= 3):
            continue
        if word.lower() in ("et", "al", "and", "others", "in", "eds", "ed"):
            continue
        found.append(word.lower())
    return tuple(dict.fromkeys(found))
