"""Every function in the package at radon rank D or better (cyclomatic complexity 30 or less).

A function of rank E or F (31 and more paths through it) is one a maintainer cannot hold in mind,
and its tests cannot reach every path: split it into named steps, a table where the logic is one.
Methods and closures (a route handler defined inside ``build_router``) count as functions: what
``radon cc --show-closures`` lists, read with radon's own API.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import add_inner_blocks, cc_rank, cc_visit
from radon.visitors import Function

from tests.conftest import ROOT

WORST_RANK = "D"


def over_rank(package: Path, worst: str = WORST_RANK) -> list[str]:
    """The functions, methods and closures under ``package`` ranked worse than ``worst``, each as
    ``path:line name rank (complexity)``."""
    found = []
    for path in sorted(package.rglob("*.py")):
        blocks = add_inner_blocks(cc_visit(path.read_text(encoding="utf-8")))
        for block in sorted(blocks, key=lambda b: b.lineno):
            rank = cc_rank(block.complexity)
            if isinstance(block, Function) and rank > worst:
                where = path.relative_to(package.parent).as_posix()
                found.append(f"{where}:{block.lineno} {block.fullname} {rank} ({block.complexity})")
    return found


def test_every_function_ranks_d_or_better():
    assert over_rank(ROOT / "summarizer") == []


def _branches(n: int, indent: str) -> str:
    """A body of ``n`` ifs: complexity n + 1."""
    return "".join(f"{indent}if x == {k}:\n{indent}    return {k}\n" for k in range(n)) + f"{indent}return -1\n"


def test_the_check_finds_functions_methods_and_closures_and_spares_rank_d(tmp_path):
    package = tmp_path / "toy"
    (package / "inner").mkdir(parents=True)
    (package / "plain.py").write_text(
        "def rank_d(x):\n" + _branches(29, "    ")  # 30: D, the worst allowed
        + "def rank_e(x):\n" + _branches(30, "    "),  # 31: E
        encoding="utf-8",
    )
    (package / "inner" / "nested.py").write_text(
        "class Handler:\n    def method(self, x):\n" + _branches(40, "        ")  # 41: F
        + "def outer():\n    def route(x):\n" + _branches(35, "        ") + "    return route\n",  # 36: E
        encoding="utf-8",
    )
    assert over_rank(package) == [
        "toy/inner/nested.py:2 Handler.method F (41)",
        "toy/inner/nested.py:85 outer.route E (36)",
        "toy/plain.py:61 rank_e E (31)",
    ]
