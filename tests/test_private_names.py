"""A module uses only the public names of the project's other modules: no `from pkg.mod import _helper`, no
`mod._helper(...)` on an imported project module. What one module shares with another gets a public name
where it lives (export_docx.info_rows, workbook.parse_grid), so renaming a private helper breaks nobody."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ingest", "prompts", "vectorstore", "assistant", "api", "eval", "jixiao")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(modules: dict[str, Path]) -> list[str]:
    """`file:line name` for every private name of another project module a module uses."""
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        aliases: dict[str, str] = {}  # local name -> project module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules and alias.asname:
                        aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in modules:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    elif node.module in modules and node.module != module and _private(alias.name):
                        found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.module}.{alias.name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id] != module
                and _private(node.attr)
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    assert [use for use in private_uses(_modules())] == []


def test_the_finder_sees_both_forms(tmp_path, monkeypatch):
    modules = {"pkg.a": tmp_path / "a.py", "pkg.b": tmp_path / "b.py"}
    modules["pkg.a"].write_text("def _helper():\n    return 1\n", encoding="utf-8")
    modules["pkg.b"].write_text(
        "from pkg import a\nfrom pkg.a import _helper\n\n\ndef f():\n    return a._helper() + _helper()\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    assert sorted(private_uses(modules)) == ["b.py:2 pkg.a._helper", "b.py:6 pkg.a._helper"]
