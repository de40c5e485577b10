"""The layout's rules, checked on the source: one package per stage, imports only run downwards.

Stages, from the ground floor up (a unit may import only from its own floor or lower ones;
cycles are checked apart): storage; the shared leaves (settings, urls, textutil); extract; match; process; crawl;
sources; explain, export and report; api; demo; cli. The spiders sit on top of crawl.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

FLOORS: list[set[str]] = [
    {"storage"},
    {"aggregator", "aggregator.settings", "aggregator.urls", "aggregator.textutil"},
    {"aggregator.extract"},
    {"aggregator.match"},
    {"aggregator.process"},
    {"aggregator.crawl"},
    {"aggregator.sources"},
    {"aggregator.explain", "aggregator.export", "aggregator.report"},
    {"aggregator.api"},
    {"aggregator.demo"},
    {"aggregator.cli"},
    {"spiders"},
]
MAX_LOOSE_MODULES = 10


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] != "aggregator" or len(parts) == 1 else f"aggregator.{parts[1]}"


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("aggregator", "storage", "spiders"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            found[".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    return found


def _imports() -> dict[str, set[str]]:
    """Project module -> the project modules it imports (absolute imports, anywhere in the file).

    `from package import submodule` counts as importing the submodule.
    """
    modules = _modules()
    found: dict[str, set[str]] = {}
    for module, path in modules.items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(modules)
                names.update(submodules or {node.module})
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[module] = {n for n in names if n.split(".")[0] in ("aggregator", "storage", "spiders")}
    return found


def test_storage_imports_nothing_of_the_application() -> None:
    offending = {module: sorted(n for n in names if not n.startswith("storage"))
                 for module, names in _imports().items() if module.startswith("storage")}
    assert not {m: n for m, n in offending.items() if n}


def test_imports_only_run_downwards() -> None:
    floor = {unit: level for level, units in enumerate(FLOORS) for unit in units}
    upward = []
    for module, names in _imports().items():
        source = _unit(module)
        assert source in floor, f"{module}: its unit {source} has no floor in FLOORS"
        for name in names:
            target = _unit(name)
            if floor[target] > floor[source]:
                upward.append(f"{module} -> {name}")
    assert not upward


def test_no_import_cycle_between_modules() -> None:
    graph = _imports()
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(module: str, path: list[str]) -> bool:
        state[module] = 1
        for name in sorted(graph.get(module, ())):
            target = name if name in graph else name.rsplit(".", 1)[0]
            if target not in graph or target == module:
                continue
            if state.get(target) == 1:
                cycle.extend([*path, module, target])
                return True
            if state.get(target) is None and visit(target, [*path, module]):
                return True
        state[module] = 2
        return False

    for module in sorted(graph):
        if state.get(module) is None and visit(module, []):
            break
    assert not cycle, " -> ".join(cycle)


def test_few_loose_modules_and_one_site_rule() -> None:
    loose = sorted(p.name for p in (REPO_ROOT / "aggregator").glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose
    definitions = [
        str(path.relative_to(REPO_ROOT))
        for package in ("aggregator", "storage", "spiders")
        for path in Path(REPO_ROOT / package).rglob("*.py")
        if "def same_site(" in path.read_text(encoding="utf-8")
    ]
    assert definitions == ["aggregator/urls.py"]


def test_the_spider_lives_in_spiders() -> None:
    settings = (REPO_ROOT / "aggregator" / "crawl" / "scrapy_settings.py").read_text(encoding="utf-8")
    assert 'SPIDER_MODULES = ["spiders"]' in settings
    assert "class SourcesSpider" in (REPO_ROOT / "spiders" / "sources.py").read_text(encoding="utf-8")
