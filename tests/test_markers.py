"""The markers that split the suite: ``pytest -m "not slow and not ray"`` is the fast part a developer runs,
and a plain ``pytest`` (``scripts/test.sh``, CI) still runs every test but the GPU's.

Collected in a subprocess, as from a developer's command line. The ``ray`` and browser markers come from
what a test uses (``tests/conftest.py``: the ``ray_tmp`` fixture, the ``browser`` marker), so a new test
gets them without a line of its own; a ``-m`` given on the command line still leaves the GPU tests out.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # collects the suite's modules four times, in subprocesses

FAST = "not slow and not ray"
BROWSER, GPU = "tests/test_browser.py", "tests/test_gpu.py"


def collected(*args: str) -> set[str]:
    """The ids of the tests ``pytest --co ARGS`` selects, their parameters dropped."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 5), done.stdout[-3000:] + done.stderr[-3000:]  # 5: none selected
    return {line.split("[")[0] for line in done.stdout.splitlines() if "::" in line}


def functions_taking(fixture: str) -> set[str]:
    """Every test function of tests/ that takes ``fixture``, found by reading the modules."""
    found = set()
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                    and fixture in {arg.arg for arg in node.args.args}):
                found.add(f"tests/{path.name}::{node.name}")
    return found


def test_every_test_on_a_real_ray_is_marked_ray_and_left_out_of_the_fast_part():
    on_ray = functions_taking("ray_tmp")
    modules = sorted({test.split("::")[0] for test in on_ray})
    assert on_ray and on_ray <= collected("-m", "ray", *modules)
    fast = collected("-m", FAST, *modules, BROWSER, GPU)
    assert fast and not fast & on_ray  # the same modules' tests without Ray stay in the fast part
    assert not {test for test in fast if test.startswith((BROWSER, GPU))}  # browser: slow; gpu: not asked for


def test_a_plain_run_selects_the_slow_and_ray_tests_but_not_the_gpu_ones():
    on_ray = functions_taking("ray_tmp")
    everything = collected(*sorted({test.split("::")[0] for test in on_ray}), BROWSER, GPU)
    assert on_ray <= everything
    assert {test for test in everything if test.startswith(BROWSER)}
    assert not {test for test in everything if test.startswith(GPU)}
    assert {test for test in collected("-m", "gpu", GPU)}  # asked for by name, they are there
