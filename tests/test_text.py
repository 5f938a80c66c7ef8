"""bot.text: escaping, truncation, sentences and links, with no Discord import."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import escape, sentences, truncate, web_url
from tests.strategies import TEXT

ZWSP = "\u200b"

# --- escape and truncate ----------------------------------------------------------------------

ESCAPE_CASES = [
    # markdown: every character that can start syntax is escaped, so it renders as itself
    ("plain text", "plain text"),
    ("**bold**", r"\*\*bold\*\*"),
    ("*italic*", r"\*italic\*"),
    ("_italic_", r"\_italic\_"),
    ("__underline__", r"\_\_underline\_\_"),
    ("~~strike~~", r"\~\~strike\~\~"),
    ("||spoiler||", r"\|\|spoiler\|\|"),
    ("`code`", r"\`code\`"),
    ("```py\nprint(1)\n```", r"\`\`\`py print(1) \`\`\`"),
    ("# heading", r"\# heading"),
    ("### heading", r"\### heading"),
    ("-# subtext", r"\-# subtext"),
    ("- item", r"\- item"),
    ("+ item", r"\+ item"),
    ("1. item", r"1\. item"),
    ("2305.13048", "2305.13048"),
    ("> quote", r"\> quote"),
    (">>> quote", r"\>>> quote"),
    ("a > b", "a > b"),
    (r"back\slash", r"back\\slash"),
    ("90%* ChatGPT", r"90%\* ChatGPT"),
    ("Ball*-tree", r"Ball\*-tree"),
    # masked links: every bracket escaped, also inside and after the first link
    ("[PDF](https://evil.example)", r"\[PDF\](https://evil.example)"),
    ("[a](x) and [b](y)", r"\[a\](x) and \[b\](y)"),
    ("[**x**](y)", r"\[\*\*x\*\*\](y)"),
    ("https://x.org/a_b", r"https://x.org/a\_b"),
    # mentions: a zero-width space after "@", an escaped "<"
    ("@everyone", f"@{ZWSP}everyone"),
    ("@here now", f"@{ZWSP}here now"),
    ("hi @EVERYONE", f"hi @{ZWSP}EVERYONE"),
    ("<@1>", f"\\<@{ZWSP}1>"),
    ("<@!1>", f"\\<@{ZWSP}!1>"),
    ("<@&1>", f"\\<@{ZWSP}&1>"),
    ("<#1>", r"\<#1>"),
    ("</paper:1>", r"\</paper:1>"),
    ("<:emoji:1>", r"\<:emoji:1>"),
    ("<t:1700000000:R>", r"\<t:1700000000:R>"),
    ("a@b.org", "a@b.org"),
    # control and invisible characters removed; the ones scripts and emoji need kept
    ("a\x00b\x07c\x7fd", "abcd"),
    ("zero\u200bwidth\ufeff\u2060", "zerowidth"),
    ("@\u200beveryone", f"@{ZWSP}everyone"),
    ("@every\u200bone", f"@{ZWSP}everyone"),
    ("\u202eevil\u202c", "evil"),
    ("soft\u00adhyphen", "softhyphen"),
    ("👩\u200d🔬 science", "👩\u200d🔬 science"),
    ("\u200fשלום", "\u200fשלום"),
    # whitespace collapsed to one line
    ("line 1\nline 2\r\n\tline 3", "line 1 line 2 line 3"),
    ("  padded  ", "padded"),
    ("a\u2028b", "a b"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), ESCAPE_CASES)
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n\n\n\n- b\n  # c", "a\n\n\\- b\n\\# c"),
        ("1. one\n2. two", "1\\. one\n2\\. two"),
        ("x\n> @here", f"x\n\\> @{ZWSP}here"),
    ],
)
def test_escape_multiline_keeps_lines(text: str, expected: str) -> None:
    assert escape(text, multiline=True) == expected


TRUNCATE_CASES = [
    ("short", 10, "short"),
    ("exactly 10", 10, "exactly 10"),
    ("", 0, ""),
    ("anything", 0, ""),
    ("abc", 1, "…"),
    ("Attention is all you need", 20, "Attention is all…"),
    ("Attention is all you need", 12, "Attention…"),
    ("Supercalifragilistic", 10, "Supercali…"),  # no boundary: a hard cut
    ("a verylongwordthatgoesonandon", 20, "a verylongwordthatg…"),  # boundary too far back
    ("Bo Peng, Eric Alcaide, Quentin", 24, "Bo Peng, Eric Alcaide…"),
    (r"escaped \*\*", 10, r"escaped…"),
    (r"ab\*cd", 4, "ab…"),  # never "ab\…"
    (r"a\\bc", 4, r"a\\…"),  # an escaped backslash is a pair, kept whole
    ("中文标题没有空格", 5, "中文标题…"),
]


@pytest.mark.parametrize(("text", "limit", "expected"), TRUNCATE_CASES)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


def test_truncate_rejects_negative_limit() -> None:
    with pytest.raises(ValueError, match="negative"):
        truncate("x", -1)


@settings(deadline=None, max_examples=200)
@given(st.text(), st.integers(0, 300))
def test_truncate_escaped_text_fits_and_keeps_escapes_whole(text: str, limit: int) -> None:
    escaped = escape(text)
    cut = truncate(escaped, limit)
    assert len(cut) <= limit
    assert cut == escaped or cut == "" or cut.endswith("…")
    body = cut.removesuffix("…")
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0  # no dangling escape
    assert escaped.startswith(body)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(), TEXT))
def test_markdown_is_escaped_as_discord_py_escapes_it(text: str) -> None:
    """The port of discord.utils.escape_markdown (so bot.text needs no Discord) agrees with
    it on every text without the brackets, "<" and list markers escaped on top."""
    from bot import text as module

    line = " ".join(text.split()).replace("[", "").replace("]", "")
    ours = module._MARKDOWN.sub(lambda m: "\\" + m.group("markdown"), line)
    assert ours == discord.utils.escape_markdown(line, ignore_links=False)


@pytest.mark.parametrize(
    "module",
    [
        "bot.text",
        "bot.bibtex",
        "bot.metadata.models",
        "bot.metadata.arxiv",
        "bot.metadata.scholar",
        "bot.metadata.check",
    ],
)
def test_pure_modules_import_no_discord_database_or_network(module: str) -> None:
    import subprocess
    import sys

    code = (
        f"import sys, {module}; print(sorted({{m.split('.')[0] for m in sys.modules}}"
        " & {'discord', 'aiohttp', 'aiosqlite'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


SENTENCE_CASES = [
    ("One. Two. Three.", 100, "One. Two. Three."),
    ("One sentence here. Another one follows.", 20, "One sentence here."),
    ("We use e.g. Adam here. Then more.", 25, "We use e.g. Adam here."),
    ("Work by A. Smith shows it. More.", 27, "Work by A. Smith shows it."),
    ("Results improve by 3.5 points. Next.", 31, "Results improve by 3.5 points."),
    ("A very long first sentence that does not fit", 20, "A very long first…"),
    ("  spaced\n\nout.  Next ", 100, "spaced out. Next"),
    ("", 10, ""),
]


@pytest.mark.parametrize(("text", "limit", "expected"), SENTENCE_CASES)
def test_sentences(text: str, limit: int, expected: str) -> None:
    assert sentences(text, limit) == expected


@settings(deadline=None, max_examples=200)
@given(TEXT, st.integers(1, 400))
def test_sentences_fit(text: str, limit: int) -> None:
    assert len(sentences(text, limit)) <= limit


@pytest.mark.parametrize(
    ("url", "limit", "expected"),
    [
        ("https://arxiv.org/abs/2305.13048", 2048, "https://arxiv.org/abs/2305.13048"),
        ("HTTPS://EXAMPLE.ORG/Ä ö", 2048, None),
        ("https://example.org/Ä", 2048, "https://example.org/%C3%84"),
        ("javascript:alert(1)", 2048, None),
        ("https://example.org/" + "a" * 600, 512, None),
        ("https://example.org/" + "a" * 600, 2048, "https://example.org/" + "a" * 600),
        (None, 2048, None),
    ],
)
def test_web_url(url: str | None, limit: int, expected: str | None) -> None:
    assert web_url(url, limit) == expected
