"""eval.data: where the evaluation data is (argument > $SUMMARIZER_DATA > ../shared/data); eval never imports tests."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

from eval import benchmark, split
from eval.data import (
    ANT_DEV,
    DEFAULT_DATA_ROOT,
    ENV_VAR,
    NTREX_DEV,
    add_data_root_option,
    data_path,
    data_root,
)
from tests.conftest import ROOT


def test_explicit_root_beats_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert data_root(tmp_path / "explicit") == tmp_path / "explicit"
    assert data_root(str(tmp_path / "explicit")) == tmp_path / "explicit"


def test_environment_beats_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_root() == tmp_path
    assert data_root(None) == tmp_path
    assert data_path(NTREX_DEV) == tmp_path / "ntrex128" / "dev.jsonl"


def test_default_is_shared_data_beside_the_checkout(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert data_root() == DEFAULT_DATA_ROOT == ROOT.parent / "shared" / "data"
    monkeypatch.setenv(ENV_VAR, "  ")  # blank counts as unset
    assert data_root() == DEFAULT_DATA_ROOT


def test_data_root_option(monkeypatch, tmp_path):
    parser = argparse.ArgumentParser()
    add_data_root_option(parser)
    assert parser.parse_args([]).data_root is None
    assert parser.parse_args(["--data-root", str(tmp_path)]).data_root == str(tmp_path)


def test_cli_defaults_follow_the_data_root(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert benchmark.default_data("summarize") == tmp_path / "env" / ANT_DEV
    assert benchmark.default_data("translate", tmp_path) == tmp_path / NTREX_DEV
    assert split.default_data(tmp_path) == [tmp_path / "ntrex128" / "dev.jsonl", tmp_path / "flores200" / "devtest.jsonl"]


@pytest.mark.parametrize("argv", [["--task", "translate"], None], ids=["benchmark", "split"])
def test_a_missing_default_file_is_a_usage_error_naming_it(monkeypatch, tmp_path, capsys, argv):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    parse = benchmark.parse_args if argv else split.parse_args
    with pytest.raises(SystemExit) as exited:
        parse([*(argv or []), "--data-root", str(tmp_path / "nowhere")])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "nowhere" / NTREX_DEV) in err and "from-env" not in err
    with pytest.raises(SystemExit):
        parse(argv or [])
    assert str(tmp_path / "from-env" / NTREX_DEV) in capsys.readouterr().err


def test_eval_never_imports_tests():
    for path in sorted((ROOT / "eval").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "tests" or n.startswith("tests.") for n in names), (path.name, names)


def test_summarizer_rouge_does_not_import_eval():
    tree = ast.parse(Path(ROOT / "summarizer" / "rouge.py").read_text(encoding="utf-8"))
    modules = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not any(m and (m == "eval" or m.startswith("eval.")) for m in modules), modules
