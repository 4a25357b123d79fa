"""The layers of DESIGN.md §4, checked on the static import graph of our own modules.

Every `import` / `from … import` statement counts, wherever it sits: inside functions, under
`if TYPE_CHECKING:`, in try blocks. Two bars: no cycle between modules, and no module importing from a
higher layer. import-linter (`lint-imports`, pyproject.toml) checks the layers again with its own parser.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# lowest first; packages on one line share a layer
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("ingest", "prompts"),
    ("vectorstore",),
    ("assistant",),
    ("api", "eval"),
    ("jixiao",),  # the CLI: jixiao/__init__.py and jixiao.cli, the composition root
)
LAYER_OF = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
# packages of one layer that must not import each other
INDEPENDENT = (("api", "eval"),)


@dataclass
class ImportGraph:
    modules: dict[str, Path]  # dotted name -> file
    edges: dict[str, dict[str, int]] = field(default_factory=dict)  # importer -> {imported: line}

    def layer(self, module: str) -> int:
        return LAYER_OF[module.split(".")[0]]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module a `from X import …` names, with relative imports (from . import x) resolved."""
    if not node.level:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The project module a dotted name lives in (a function or class name resolves to its module)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def build_graph(root: Path = REPO) -> ImportGraph:
    modules = {
        _module_name(path, root): path
        for package in LAYER_OF
        for path in sorted((root / package).rglob("*.py"))
    }
    graph = ImportGraph(modules)
    for importer, path in modules.items():
        is_package = path.name == "__init__.py"
        imported: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, importer, is_package)
                # `from pkg import mod` imports the submodule pkg.mod when there is one, else names of pkg
                names = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            for name in names:
                target = _owner(name, modules)
                # a module's own package __init__ runs anyway on import: not an edge of its own
                if target is None or target == importer or importer.startswith(target + "."):
                    continue
                imported.setdefault(target, node.lineno)
        graph.edges[importer] = imported
    return graph


def cycles(graph: ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in graph.modules:
        if start in index:
            continue
        work = [(start, iter(graph.edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(graph.edges[succ])))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def upward_imports(graph: ImportGraph) -> list[str]:
    return [
        f"{importer} (line {line}) imports {imported}: "
        f"layer {graph.layer(importer)} -> {graph.layer(imported)}"
        for importer, targets in graph.edges.items()
        for imported, line in targets.items()
        if graph.layer(imported) > graph.layer(importer)
    ]


def cross_imports(graph: ImportGraph) -> list[str]:
    bad = []
    for a, b in INDEPENDENT:
        for importer, targets in graph.edges.items():
            for imported, line in targets.items():
                top, other = importer.split(".")[0], imported.split(".")[0]
                if {top, other} == {a, b}:
                    bad.append(f"{importer} (line {line}) imports {imported}")
    return bad


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return build_graph()


def test_the_graph_is_the_whole_project(graph):
    """A checker that read nothing would pass everything: the known edges must be there."""
    assert len(graph.modules) > 100
    assert set(LAYER_OF) <= {m.split(".")[0] for m in graph.modules}
    assert "jixiao.cli.check" in graph.edges["jixiao.cli.main"]
    assert "core.settings" in graph.edges["vectorstore.knowledge_base"]
    assert "vectorstore.knowledge_base" in graph.edges["jixiao.cli.common"]  # under TYPE_CHECKING


def test_no_import_cycles_between_modules(graph):
    assert cycles(graph) == []


def test_no_module_imports_from_a_higher_layer(graph):
    assert upward_imports(graph) == []


def test_api_and_eval_do_not_import_each_other(graph):
    assert cross_imports(graph) == []


def test_only_the_cli_serve_command_imports_api(graph):
    importers = {
        importer
        for importer, targets in graph.edges.items()
        if not importer.startswith("api") and any(t.split(".")[0] == "api" for t in targets)
    }
    assert importers <= {"jixiao.cli.serve"}


def test_get_settings_is_called_only_by_the_app_factory_and_the_cli(graph):
    """Below the app and the CLI, settings are passed down: no module reads the global settings."""
    readers = set()
    for module, path in graph.modules.items():
        if module.split(".")[0] in ("api", "jixiao") or module == "core.settings":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
            if isinstance(node, ast.Attribute | ast.Name) and name == "get_settings":
                readers.add(module)
            if isinstance(node, ast.ImportFrom) and any(a.name == "get_settings" for a in node.names):
                readers.add(module)
    assert readers == set()


# --- the checker itself, on small trees written here: it must see what it claims to see ---------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in LAYER_OF:
        init = tmp_path / package / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text("", encoding="utf-8")
    return tmp_path


def test_checker_sees_a_cycle_hidden_in_a_function(tmp_path):
    root = _tree(
        tmp_path,
        {
            "vectorstore/a.py": "from vectorstore.b import f\n",
            "vectorstore/b.py": "def f():\n    from vectorstore.a import g\n    return g\n",
            "vectorstore/c.py": "from vectorstore import a\n",
        },
    )
    assert cycles(build_graph(root)) == [["vectorstore.a", "vectorstore.b"]]


def test_checker_sees_a_cycle_under_type_checking_and_through_relative_imports(tmp_path):
    root = _tree(
        tmp_path,
        {
            "assistant/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .y import Y\n",
            "assistant/y.py": "from . import z\n",
            "assistant/z.py": "from assistant.x import X\n",
        },
    )
    assert cycles(build_graph(root)) == [["assistant.x", "assistant.y", "assistant.z"]]


def test_checker_sees_upward_and_cross_imports(tmp_path):
    root = _tree(
        tmp_path,
        {
            "core/m.py": "def f():\n    import jixiao\n",
            "ingest/n.py": "from core.m import f\n",  # downward: fine
            "api/r.py": "import eval.s\n",
            "eval/s.py": "",
        },
    )
    graph = build_graph(root)
    assert upward_imports(graph) == ["core.m (line 2) imports jixiao: layer 0 -> 5"]
    assert cross_imports(graph) == ["api.r (line 1) imports eval.s"]
