"""The layout the README promises: what the wheel ships, and which way imports go."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_INSTALLED = {"benchmarks", "tests"}  # folders of the checkout, never in the wheel


def _packages_on_disk() -> set[str]:
    found = set()
    for init in ROOT.rglob("__init__.py"):
        parts = init.parent.relative_to(ROOT).parts
        if parts and (parts[0] in NOT_INSTALLED or parts[0].startswith(".")):
            continue
        found.add(".".join(("baocao", *parts)))
    return found


def _imports(path: Path) -> set[str]:
    """Absolute names a module imports (relative ones resolved against its package)."""
    package = ["baocao", *path.parent.relative_to(ROOT).parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.add(".".join([*base, *([node.module] if node.module else [])]))
    return names


def test_the_wheel_lists_every_package_and_no_benchmarks():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert listed == _packages_on_disk()


@pytest.mark.parametrize(
    ("room", "forbidden"),
    [
        ("api", ("baocao.cli", "baocao.benchmarks", "baocao.eval")),
        ("corpus", ("baocao.cli", "baocao.benchmarks", "baocao.eval", "baocao.api")),
        ("index", ("baocao.cli", "baocao.benchmarks", "baocao.eval", "baocao.api")),
        ("qa", ("baocao.cli", "baocao.benchmarks", "baocao.eval", "baocao.api")),
        ("eval", ("baocao.cli", "baocao.benchmarks", "baocao.api")),
    ],
)
def test_library_rooms_import_neither_the_cli_nor_the_benchmarks(room, forbidden):
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / room).rglob("*.py")
        for name in _imports(path)
        if name.startswith(forbidden)
    }
    assert not wrong
