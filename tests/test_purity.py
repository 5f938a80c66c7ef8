"""The core stays pure and nothing imports a cog: read from the source with ast, so a module
that breaks the rule is named with the chain of imports that does it, all at once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

BOT = ROOT / "bot"
IMPURE = frozenset({"discord", "aiosqlite", "aiohttp"})  # event loop, network, Discord
# The modules README's Layout calls pure.
PURE_MODULES = (
    "bot.search", "bot.models", "bot.config", "bot.i18n", "bot.finder", "bot.library",
    "bot.text", "bot.bibtex", "bot.retrieval", "bot.chinese", "bot.citations", "bot.reading",
    "bot.metadata.models", "bot.metadata.arxiv", "bot.metadata.scholar", "bot.metadata.check",
    "bot.collector",
)  # fmt: skip
PURE_PACKAGES = ("bot.catalogue", "bot.weekly")  # the package (or module) and its submodules
COG_NAMES = ("cog", "_cog")  # a feature package's own cog, as in bot/weekly/_cog.py


def module_names() -> dict[str, Path]:
    """Every module of the bot package by dotted name; a package by its __init__."""
    names = {}
    for path in sorted(BOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


MODULES = module_names()


def is_pure(name: str) -> bool:
    if name in PURE_MODULES:
        return True
    package = next((p for p in PURE_PACKAGES if name == p or name.startswith(p + ".")), None)
    return package is not None and not is_cog(name)


def is_cog(name: str) -> bool:
    parts = name.split(".")
    if name.startswith("bot.cogs."):
        return True
    return len(parts) > 2 and parts[1] == "weekly" and parts[-1] in COG_NAMES


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that runs: `if TYPE_CHECKING:` blocks are left out (imports for types)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in (child, *_runtime_nodes(child)))
            continue
        yield node
        yield from _runtime_nodes(node)


@cache
def imports(name: str) -> frozenset[str]:
    """What module `name` imports when it runs (functions included): project modules by
    dotted name (with the packages they are in), anything else by its top-level name."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from bot import replies` imports the module bot.replies.
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            if target.split(".")[0] == "bot":
                parts = target.split(".")
                found |= {".".join(parts[:n]) for n in range(1, len(parts) + 1)} & MODULES.keys()
            elif target:
                found.add(target.split(".")[0])
    found.discard(name)
    return frozenset(found)


def chain_to(start: str, wanted: frozenset[str]) -> list[str] | None:
    """The shortest chain of imports from `start` to one of `wanted`, if there is one."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for target in sorted(imports(current)):
            if target in paths:
                continue
            paths[target] = [*paths[current], target]
            if target in wanted:
                return paths[target]
            if target in MODULES:
                queue.append(target)
    return None


def test_the_rules_see_the_modules_they_are_about() -> None:
    pure = sorted(name for name in MODULES if is_pure(name))
    assert {"bot.catalogue", "bot.catalogue.parse", "bot.search", "bot.weekly"} <= set(pure)
    assert set(PURE_MODULES) <= MODULES.keys(), "a pure module was renamed or moved"
    assert "bot.cogs.papers" in MODULES and is_cog("bot.cogs.papers")
    assert is_cog("bot.weekly._cog") and not is_pure("bot.weekly._cog")
    assert is_pure("bot.weekly.schedule") and not is_cog("bot.cogs")
    assert "discord" in imports("bot.cards") and "bot.cards" in imports("bot.replies")
    assert "bot.catalogue" in imports("bot.search")  # a submodule runs its package too


def impure_chains(name: str) -> list[str]:
    """Each import of `name` that brings in an impure library, with the chain that does."""
    chains = []
    for target in sorted(imports(name)):
        chain = [target] if target in IMPURE else None
        if target in MODULES:
            chain = chain_to(target, IMPURE)
        if chain is not None:
            chains.append(" -> ".join([name, *chain]))
    return chains


def test_pure_modules_import_no_discord_aiosqlite_or_aiohttp() -> None:
    offenders = [
        chain for name in sorted(MODULES) if is_pure(name) for chain in impure_chains(name)
    ]
    assert offenders == []


def test_nothing_imports_a_cog() -> None:
    offenders = [
        f"{name} imports {target}"
        for name in sorted(MODULES)
        for target in sorted(imports(name))
        if is_cog(target)
    ]
    assert offenders == []
