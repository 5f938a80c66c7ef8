from __future__ import annotations

import pytest

from bot.catalogue.names import (
    arxiv_id_from_url,
    arxiv_id_in_text,
    latex_to_unicode,
    split_authors,
    title_key,
)


@pytest.mark.parametrize(
    ("raw", "names", "et_al"),
    [
        (
            "Jared Kaplan, Sam McCandlish, Tom Henighan.",
            ("Jared Kaplan", "Sam McCandlish", "Tom Henighan"),
            False,
        ),
        (
            "Vaswani, Ashish and Shazeer, Noam and Gomez, Aidan N",
            ("Ashish Vaswani", "Noam Shazeer", "Aidan N Gomez"),
            False,
        ),
        (
            "Wayne Xin Zhao, Qian Liu, and Ji-Rong Wen.",
            ("Wayne Xin Zhao", "Qian Liu", "Ji-Rong Wen"),
            False,
        ),
        (
            "Xuehai He,Chunyuan Li,Pengchuan Zhang",
            ("Xuehai He", "Chunyuan Li", "Pengchuan Zhang"),
            False,
        ),
        ("Victor Sanh et al.", ("Victor Sanh",), True),
        ("Yu Sun, Xinhao Li, Sanmi Koyejo, et al.", ("Yu Sun", "Xinhao Li", "Sanmi Koyejo"), True),
        ("Google.", ("Google",), False),
        ("OpenAI.", ("OpenAI",), False),
        ("The Vicuna Team.", ("The Vicuna Team",), False),
        ("Xiang Lisa Li and Percy Liang", ("Xiang Lisa Li", "Percy Liang"), False),
        ("L. Todd Rose and Kurt W. Fischer.", ("L. Todd Rose", "Kurt W. Fischer"), False),
        (
            "Brian Lester, Rami Al-Rfou, and Noah Constant",
            ("Brian Lester", "Rami Al-Rfou", "Noah Constant"),
            False,
        ),
        ("Ding, Ning, Yujia Qin, Guang Yang.", ("Ning Ding", "Yujia Qin", "Guang Yang"), False),
        ("Stephanie C.Y. Chan, Adam Santoro.", ("Stephanie C.Y. Chan", "Adam Santoro"), False),
        ("  Chris   Manning ,  Hinrich Schütze ", ("Chris Manning", "Hinrich Schütze"), False),
        ("", (), False),
    ],
)
def test_split_authors(raw: str, names: tuple[str, ...], et_al: bool) -> None:
    assert split_authors(raw) == (names, et_al)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('Hinrich Sch{\\"{u}}tze', "Hinrich Schütze"),
        ("Herv{\\'e} J{\\'e}gou", "Hervé Jégou"),
        ("Barlas O{\\u{g}}uz", "Barlas Oğuz"),
        ('Maik Fr{\\"o}be', "Maik Fröbe"),
        ("Vinicius Carid{\\'a}", "Vinicius Caridá"),
        ("no latex here, 90% sure", "no latex here, 90% sure"),
    ],
)
def test_latex_accents(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


@pytest.mark.parametrize(
    ("url", "arxiv"),
    [
        ("https://arxiv.org/abs/2305.13048", "2305.13048"),
        ("https://arxiv.org/pdf/1706.03762v7", "1706.03762"),
        ("http://www.arxiv.org/html/2404.12457v1", "2404.12457"),
        ("https://arxiv.org/pdf/2001.08361.pdf", "2001.08361"),
        ("https://arxiv.org/abs/cs/0112017v1", "cs/0112017"),
        ("https://huggingface.co/papers/2405.04434", None),
        ("https://aclanthology.org/N19-1423.pdf", None),
    ],
)
def test_arxiv_id_from_url(url: str, arxiv: str | None) -> None:
    assert arxiv_id_from_url(url) == arxiv


@pytest.mark.parametrize(
    ("text", "arxiv"),
    [("2305.13048", "2305.13048"), ("see arXiv:2201.11903v2", "2201.11903"), ("v1.2.3", None)],
)
def test_arxiv_id_in_text(text: str, arxiv: str | None) -> None:
    assert arxiv_id_in_text(text) == arxiv


def test_title_key_ignores_case_punctuation_and_accents() -> None:
    assert title_key("Long Short-Term Memory.") == title_key("long short term memory")
    assert title_key("Ｒｅｓｕｍé") == title_key("resume")
