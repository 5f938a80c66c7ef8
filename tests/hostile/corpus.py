"""Hostile strings for every text a user can type into the bot: (label, text) pairs.

Generated rather than stored, so the corpus stays readable and small in the repository.
Labels are unique and name the case, so a failing parametrized test says which input broke.
"""

from __future__ import annotations

import random

# Every ASCII control character, DEL included.
_CONTROLS = [*range(0x00, 0x20), 0x7F]

_WHITESPACE = {
    "space": " ",
    "spaces": " " * 50,
    "tab": "\t",
    "tabs": "\t\t\t",
    "newline": "\n",
    "newlines": "\n\n\n",
    "crlf": "\r\n",
    "nbsp": "\u00a0",
    "ideographic-space": "\u3000",
    "em-space": "\u2003",
    "narrow-nbsp": "\u202f",
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
    "vertical-tab-form-feed": "\x0b\x0c",
    "mixed-whitespace": " \t\n\u00a0\u3000\r\u2003 ",
}

_ZERO_WIDTH = {
    "zwsp": "\u200b",
    "zwnj": "\u200c",
    "zwj": "\u200d",
    "bom": "\ufeff",
    "word-joiner": "\u2060",
    "soft-hyphen": "\u00ad",
    "mongolian-vowel-separator": "\u180e",
    "invisible-times": "\u2062",
    "zero-width-all": "\u200b\u200c\u200d\ufeff\u2060",
    "zwsp-inside-word": "ma\u200bmba",
    "bom-prefix": "\ufeffrwkv",
    "zwj-inside-word": "tr\u200dansformer",
    "zero-width-around-everyone": "\u200b@\u200beveryone\u200b",
}

_BIDI = {
    "rlo": "\u202egpj.exe",
    "rlo-title": "\u202eattention is all you need",
    "lro-pdf": "\u202dabc\u202c",
    "isolates": "\u2066a\u2067b\u2068c\u2069",
    "unbalanced-isolates": "\u2067\u2067\u2067mamba",
    "rlm-lrm": "\u200fmamba\u200e",
    "alm": "\u061cabc",
    "arabic": "نموذج لغوي كبير",
    "hebrew": "מודל שפה גדול",
    "arabic-with-latin": "مرحبا transformer عالم",
    "hebrew-with-numbers": "שלום 2305.13048",
    "arabic-presentation-forms": "ﷺ ﷽",
    "rlo-mention": "\u202e@everyone",
}

_EMOJI = {
    "emoji": "🙂",
    "emoji-run": "🙂" * 200,
    "zwj-family": "👨\u200d👩\u200d👧\u200d👦",
    "zwj-rainbow-flag": "🏳️\u200d🌈",
    "flag-pair": "🇨🇳🇺🇸🇩🇪",
    "flag-england-tags": "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "skin-tones": "👍🏻👍🏼👍🏽👍🏾👍🏿",
    "lone-skin-tone": "🏽",
    "lone-regional-indicator": "🇦",
    "keycap": "1\ufe0f\u20e3",
    "variation-selectors": "a\ufe0fb\ufe0ec",
    "emoji-with-words": "🤖 transformer 🚀",
    "emoji-zwj-long": "\u200d".join(["👩"] * 100),
    "lone-tag-chars": "\U000e0041\U000e0042",
}

_SCRIPTS = {
    "chinese": "大语言模型",
    "chinese-section": "非 Transformer 架构",
    "japanese": "大規模言語モデル",
    "korean": "대규모 언어 모델",
    "thai": "แบบจำลองภาษา",
    "devanagari": "भाषा मॉडल",
    "cyrillic-homoglyphs": "аttеntіоn",  # Cyrillic а, е, і, о
    "greek": "αβγ Ω",
    "math-alphanumerics": "𝐦𝐚𝐦𝐛𝐚",
    "full-width-ascii": "ＭＡＭＢＡ ａｔｔｅｎｔｉｏｎ",
    "full-width-punctuation": "！＂＃＄％＆＇（）＊＋，－．／",
    "full-width-digits": "２３０５．１３０４８",
    "ligatures": "ﬁﬂﬃ",
    "roman-numerals": "ⅠⅡⅢⅣ",
    "circled": "ⓐⓑⓒ①②③",
    "superscripts": "x²³¹",
    "old-italic": "𐌀𐌁𐌂",
    "private-use": "\ue000\uf8ff\U000f0000",
    "noncharacters": "\ufffe\uffff\U0010ffff",
    "replacement-char": "\ufffd",
}

_COMBINING = {
    "combining-acute": "e\u0301",
    "zalgo": "z\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308a\u0309\u030a\u030bl",
    "zalgo-heavy": "Z" + "\u0336\u0337\u0338\u0334\u0335" * 100 + "algo",
    "combining-only": "\u0301\u0302\u0303",
    "combining-stack-1000": "a" + "\u0300" * 1000,
    "combining-on-space": " \u0301 \u0302",
    "enclosing-keycap": "\u20e3\u20e3",
    "combining-grapheme-joiner": "a\u034fb",
}

_MARKDOWN = {
    "bold": "**x**",
    "underline": "__x__",
    "strike": "~~x~~",
    "spoiler": "||x||",
    "inline-code": "`x`",
    "code-block": "```x```",
    "code-block-lang": "```py\nprint(1)\n```",
    "unclosed-fence": "```",
    "quote": "> x",
    "block-quote": ">>> x",
    "heading": "# x",
    "heading-3": "### x",
    "subtext": "-# x",
    "bullet": "- x",
    "star-bullet": "* x",
    "plus-bullet": "+ x",
    "ordered": "1. x",
    "ordered-paren": "1) x",
    "masked-link": "[x](http://e.com)",
    "masked-link-js": "[x](javascript:alert(1))",
    "autolink": "<http://e.com>",
    "backslash": "\\",
    "backslashes": "\\\\\\",
    "escaped-star": "\\*x\\*",
    "italic-star": "*x*",
    "italic-underscore": "_x_",
    "nested-markdown": "***__~~||`x`||~~__***",
    "unbalanced": "**x __y ~~z",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |",
    "html": "<b>x</b><script>alert(1)</script>",
    "horizontal-rule": "---",
    "image": "![x](http://e.com/x.png)",
    "many-asterisks": "*" * 500,
    "many-backticks": "`" * 500,
    "many-brackets": "[" * 300 + "]" * 300,
}

_MENTIONS = {
    "everyone": "@everyone",
    "here": "@here",
    "everyone-upper": "@EVERYONE",
    "user": "<@123>",
    "user-nick": "<@!123>",
    "role": "<@&123>",
    "channel": "<#123>",
    "slash-command": "</paper:123>",
    "timestamp": "<t:0:R>",
    "custom-emoji": "<:emoji:123>",
    "animated-emoji": "<a:emoji:123>",
    "guild-nav": "<id:customize>",
    "all-mentions": "@everyone @here <@123> <@!123> <@&123> <#123> </paper:123> <t:0:R>",
    "mention-in-word": "x@everyone",
    "mention-big-id": "<@99999999999999999999999999>",
    "mention-in-code": "`@everyone`",
    "mention-after-escape": "\\@everyone",
    "mention-in-link": "[@everyone](http://e.com)",
    "mention-with-zwsp-already": "@\u200beveryone",
    "mentions-repeated": "@everyone " * 300,
}

_SQL = {
    "sql-or": "' OR 1=1 --",
    "sql-drop": '"; DROP TABLE papers; --',
    "sql-percent": "%",
    "sql-underscore": "_",
    "sql-like": "%_%",
    "sql-comment": "/* x */",
    "sql-union": "' UNION SELECT * FROM meta --",
    "sql-pragma": "'; PRAGMA integrity_check; --",
    "sql-semicolons": ";;;",
    "sql-quote": "'",
    "sql-double-quote-pair": '""',
}

_REGEX = {
    "regex-dot-star": ".*",
    "regex-catastrophic": "(a+)+$",
    "regex-catastrophic-input": "a" * 40 + "!",
    "regex-open-bracket": "[",
    "regex-double-backslash": "\\\\",
    "regex-group": "(?P<x>.)",
    "regex-lookbehind": "(?<=a)b",
    "regex-quantifier": "a{1000000}",
    "regex-anchors": "^$",
    "regex-pipe": "|",
    "regex-question": "?",
    "regex-plus": "+",
    "regex-paren": ")(",
}

_FORMAT = {
    "format-all": "%s %d {0} {paper} ${x} {{}}",
    "format-percent-s": "%s",
    "format-percent-n": "%n%n%n",
    "format-braces": "{0}",
    "format-named": "{paper.title}",
    "format-dunder": "{0.__class__.__init__.__globals__}",
    "format-dollar": "${HOME}",
    "format-double-braces": "{{}}",
    "format-jinja": "{{ 7*7 }}",
    "format-f-string": "{__import__('os')}",
}

_SEARCH_OPERATORS = {
    "fts-near": "NEAR(a b)",
    "fts-and": "a AND b",
    "fts-or": "a OR b",
    "fts-not": "NOT a",
    "fts-quote": '"',
    "fts-star": "*",
    "fts-caret": "^",
    "fts-column": "title:mamba",
    "fts-phrase": '"attention is all"',
    "fts-minus": "-mamba",
    "fts-plus": "+mamba",
    "fts-prefix": "mamb*",
    "fts-parens": "((((",
}

_URLS = {
    "arxiv-junk": "arxiv.org/abs/9999.99999",
    "arxiv-empty": "https://arxiv.org/abs/",
    "arxiv-real": "https://arxiv.org/abs/2305.13048",
    "arxiv-pdf-version": "https://arxiv.org/pdf/1706.03762v7",
    "arxiv-old-style": "arxiv.org/abs/hep-th/9901001",
    "arxiv-bare": "2305.13048",
    "arxiv-bare-junk": "0000.00000",
    "arxiv-many": " ".join(f"{2300 + n}.{10000 + n}" for n in range(50)),
    "javascript-url": "javascript:alert(1)",
    "data-url": "data:text/html,<script>alert(1)</script>",
    "file-url": "file:///etc/passwd",
    "url-2000": "https://example.com/" + "a" * 2000,
    "url-2000-arxiv": "https://arxiv.org/abs/2305.13048?" + "x" * 2000,
    "url-userinfo": "https://user:pass@github.com/x/y",
    "url-ipv6": "http://[::1]:80/",
    "url-bad-port": "http://e.com:99999/",
    "url-unicode-host": "https://пример.рф/",
    "url-percent": "https://e.com/%00%ff%",
    "github-url": "https://github.com/BlinkDL/RWKV-LM",
    "url-no-scheme": "www.e.com/x",
    "url-spaces": "https://e.com/a b c",
}

_NUMBERS = {
    "zero": "0",
    "minus-one": "-1",
    "huge-float": "1e309",
    "nan": "NaN",
    "inf": "inf",
    "minus-inf": "-Infinity",
    "big-int": "9" * 400,
    "hex": "0x7fffffff",
    "negative-zero": "-0",
    "fraction": "1/0",
    "year": "2023",
    "snowflake": "123456789012345678",
    "time-like": "25:61",
    "time-like-2": "99:99 pm",
    "minus-hour": "-1:00",
    "digits-full-width": "０９：００",
}

_SURROGATES = {
    "lone-high-surrogate": "\ud800",
    "lone-low-surrogate-inside": "a\udfffb",
    "reversed-surrogate-pair": "\udc00\ud800",
    "surrogates-many": "\ud83d" * 50,
    "surrogate-with-mention": "\ud800@everyone",
    "surrogate-in-arxiv": "2305.13048\udc80",
    "surrogate-in-url": "https://arxiv.org/abs/\ud8002305.13048",
    "surrogate-title-prefix": "mamb\udfff",
}

_NUL = {
    "nul": "\x00",
    "nul-run": "\x00" * 100,
    "nul-inside": "mam\x00ba",
    "nul-mention": "@\x00everyone",
    "nul-then-text": "\x00attention",
}


def _sizes() -> dict[str, str]:
    rng = random.Random(6000)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = " ".join("".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(2000))
    return {
        "6000-a": "a" * 6000,
        "6000-words": words[:6000],
        "100000-a": "a" * 100_000,
        "100000-words": (words + " ") * (100_000 // (len(words) + 1)) + "mamba",
        "100000-spaces-then-word": " " * 100_000 + "mamba",
        "100000-chinese": "模型" * 50_000,
        "100000-emoji": "🙂" * 100_000,
        "100000-mentions": ("@everyone " * 10_000)[:100_000],
        "100000-markdown": ("**x** " * 20_000)[:100_000],
        "long-single-word-1000": "a" * 1000,
        "long-single-word-mixed": "attention" * 500,
        "long-word-with-prefix": "mamba" + "x" * 5000,
        "many-short-words": " ".join(["a"] * 5000),
        "many-distinct-words": words,
        "many-real-words": "attention mamba transformer llama rwkv " * 1000,
        "many-typo-words": "atention robrta mambba trnsformer lamma " * 500,
        "many-newlines": "\n".join(["mamba"] * 3000),
        "many-sections": "non-transformer " * 2000,
        "long-name-like": "tri dao " * 2000,
        # NFKC turns each of these into a four-word phrase of 18 characters.
        "nfkc-expanding": "\ufdfa" * 6000,
        "nfkc-expanding-ligatures": "\ufb03 " * 3000,
    }


def _mixes() -> dict[str, str]:
    pieces = [
        "@everyone",
        "<@&1>",
        "**x**",
        "\u202e",
        "\ud800",
        "\x00",
        "🏳️\u200d🌈",
        "z\u0336\u0337",
        "' OR 1=1 --",
        "(a+)+$",
        "%s {0}",
        "NEAR(a b)",
        "javascript:alert(1)",
        "\u3000",
        "ＭＡＭＢＡ",
        "非 Transformer",
        "```",
        "||x||",
        "2305.13048",
        "\\",
    ]
    rng = random.Random(2024)
    mixes = {
        "mix-everything": " ".join(pieces),
        "mix-everything-no-spaces": "".join(pieces),
        "mix-real-query-and-junk": "mamba @everyone \ud800 **x** \x00 ' OR 1=1",
        "mix-title-with-rlo": "attention\u202e is all you need",
        "mix-arxiv-and-mentions": "<@123> 2305.13048 @here",
        "mix-chinese-zalgo": "非\u0336 Transformer\u0337 架构",
        "mix-spoiler-mention": "||@everyone||",
        "mix-code-mention": "```@everyone```",
        "mix-quote-role": "> <@&123>",
        "mix-link-role": "[<@&123>](http://e.com)",
        "mix-long-mention-run": "<@&123>" * 500,
    }
    for n in range(20):
        mixes[f"mix-random-{n}"] = "".join(rng.choices(pieces, k=rng.randint(2, 12)))
    return mixes


def _random_unicode() -> dict[str, str]:
    """Random code points from every plane, surrogates included."""
    rng = random.Random(1234)
    out = {}
    for n in range(15):
        out[f"random-codepoints-{n}"] = "".join(
            chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 200))
        )
    for n in range(5):
        out[f"random-bmp-{n}"] = "".join(chr(rng.randint(0, 0xFFFF)) for _ in range(300))
    return out


def hostile_strings() -> list[tuple[str, str]]:
    """Every hostile string, labelled; labels are unique."""
    cases: list[tuple[str, str]] = [("empty", "")]
    groups = [
        _WHITESPACE,
        _ZERO_WIDTH,
        _BIDI,
        _EMOJI,
        _SCRIPTS,
        _COMBINING,
        _MARKDOWN,
        _MENTIONS,
        _SQL,
        _REGEX,
        _FORMAT,
        _SEARCH_OPERATORS,
        _URLS,
        _NUMBERS,
        _SURROGATES,
        _NUL,
        _sizes(),
        _mixes(),
        _random_unicode(),
    ]
    for group in groups:
        cases += group.items()
    cases += [(f"control-{code:02x}", chr(code)) for code in _CONTROLS]
    cases += [(f"control-{code:02x}-in-word", f"mam{chr(code)}ba") for code in _CONTROLS]
    cases.append(("all-controls", "".join(map(chr, _CONTROLS))))
    labels = [label for label, _ in cases]
    assert len(labels) == len(set(labels)), "corpus labels must be unique"
    return cases
