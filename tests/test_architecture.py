"""The layout docs/architecture.md promises, checked so that it cannot drift.

- Matching has one home: outside ``cleanse.matching`` code imports the package's interface
  (``from ..matching import ...``), never one of its modules.
- No two modules import each other (type-only imports included): each concern has one home
  and dependencies point one way.
- No module is over :data:`MAX_LINES` lines: a module that grows past it holds two concerns,
  and is split along its seam (with a module docstring saying why the new one is separate).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
MAX_LINES = 400


def _modules() -> dict[str, tuple[list[str], ast.Module]]:
    """Dotted module name -> (its package as parts, parsed source)."""
    found: dict[str, tuple[list[str], ast.Module]] = {}
    for path in sorted((SRC / "cleanse").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[:-1]
        if parts[-1] == "__init__":
            parts = package = parts[:-1]
        found[".".join(parts)] = (package, ast.parse(path.read_text(encoding="utf-8")))
    return found


def _top_level_imports(package: list[str], tree: ast.Module) -> list[str]:
    """Modules imported at module level (``if TYPE_CHECKING:`` blocks included), resolved."""
    targets: list[str] = []
    for node in tree.body:
        body = node.body if isinstance(node, ast.If) else [node]
        for stmt in body:
            if isinstance(stmt, ast.ImportFrom) and stmt.level:
                base = package[: len(package) - stmt.level + 1]
                if stmt.module:
                    targets.append(".".join([*base, stmt.module]))
                else:  # from . import budget: each name is a module
                    targets += [".".join([*base, alias.name]) for alias in stmt.names]
            elif isinstance(stmt, ast.ImportFrom) and (stmt.module or "").startswith("cleanse"):
                targets.append(stmt.module or "")
    return targets


MODULES = _modules()


@pytest.mark.parametrize("name", [m for m in MODULES if not m.startswith("cleanse.matching")])
def test_matching_is_used_through_its_package_interface(name: str) -> None:
    package, tree = MODULES[name]
    inner = [t for t in _top_level_imports(package, tree) if t.startswith("cleanse.matching.")]
    assert not inner, f"{name} imports {inner}: import from cleanse.matching instead"


def test_no_two_modules_import_each_other() -> None:
    graph = {name: set(_top_level_imports(*MODULES[name])) & MODULES.keys() for name in MODULES}
    pairs = sorted(
        (a, b)
        for a, deps in graph.items()
        for b in deps
        if a < b and a in graph.get(b, set()) and a != "cleanse"
    )
    assert not pairs, f"modules importing each other: {pairs}"


def test_the_interface_exports_what_it_lists() -> None:
    import cleanse.matching as matching

    assert all(hasattr(matching, name) for name in matching.__all__)


def test_no_module_is_over_the_line_limit() -> None:
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((SRC / "cleanse").rglob("*.py"))
    }
    over = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines (split each along a seam): {over}"
