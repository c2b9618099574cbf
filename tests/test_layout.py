"""The package's layout: layers enforced, no import cycle, and a wheel that works on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow  # builds and installs a wheel


def test_layers_hold_per_import_linter():
    """pyproject's [tool.importlinter] contracts: app/CLI > pipeline > stages > engines > errors/options."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.find_modules_directly_imported_by(node) & modules:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.find_modules_directly_imported_by(node):
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_counting_imports_inside_functions():
    import grimp

    graph = grimp.build_graph("summarizer")  # grimp reads every import statement, in functions too
    # A package's __init__ is imported by its submodules implicitly; the lazy facade is not a cycle.
    modules = {m for m in graph.modules if m not in ("summarizer", "summarizer.engines", "summarizer.web")}
    assert _cycles(graph, modules) == []


def test_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    class Graph:
        def find_modules_directly_imported_by(self, module):
            return edges.get(module, set())

    assert _cycles(Graph(), {"a", "b", "c", "d"}) == [["a", "b", "c"]]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True, capture_output=True, timeout=300,
    )
    (found,) = out.glob("*.whl")
    return found


def test_wheel_has_no_top_level_eval_and_ships_the_examples(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"summarizer"}
    assert {f"summarizer/web/examples/{p.name}" for p in SEEDS} <= set(names)
    assert "summarizer/web/style.css" in names and "summarizer/web/page.js" in names
    assert "summarizer/checks/place_words.txt" in names  # the name check's look of a foreign name


def test_installed_wheel_runs_from_elsewhere_and_offers_the_examples(wheel, tmp_path):
    """Installed without -e into another folder: the CLI runs, the page finds its example articles."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-m", "summarizer", "run", str(SEEDS[1]), "--summary-method", "extractive", "--no-translate"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Arabic summary (extractive-lexrank)" in run.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import summarizer, summarizer.web as w; print(summarizer.__file__); "
         "print(len(w.examples())); from summarizer.checks.name_shape import place_words; print(len(place_words()))"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    where, count, places = probe.stdout.split()
    assert Path(where).is_relative_to(target), where
    assert int(count) == len(SEEDS) and int(places) > 10_000
