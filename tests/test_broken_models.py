"""Broken model folders: one clear line and exit 2, or the documented fallback, never a traceback.

A copy cut short (a truncated ``model.safetensors``), a Marian folder without its SentencePiece
files, a truncated mT5 given as the summary model: each used to escape as the library's own
exception (SafetensorError, TypeError) with a traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from summarizer import Pipeline
from summarizer.engines import loader
from summarizer.engines.loader import clear_cache, load_engine
from summarizer.engines.locate import folder_problem
from summarizer.errors import ModelLoadError
from tests.conftest import SEEDS
from tests.test_cli import run_cli

pytestmark = pytest.mark.slow  # broken model folders through every engine and the command line

ENGINES = ("ctranslate2", "transformers")


def _copy(folder: Path, to: Path) -> Path:
    shutil.copytree(folder, to)
    return to


def _truncate(file: Path, keep: int = 100_000) -> None:
    file.write_bytes(file.read_bytes()[:keep])


@pytest.fixture
def truncated_marian(tmp_path, tiny_marian_eos) -> Path:
    folder = _copy(tiny_marian_eos, tmp_path / "truncated-marian")
    _truncate(folder / "model.safetensors")
    return folder


@pytest.fixture
def marian_without_spm(tmp_path, tiny_marian_eos) -> Path:
    folder = _copy(tiny_marian_eos, tmp_path / "marian-no-spm")
    (folder / "source.spm").unlink()
    (folder / "vocab.json").unlink()
    return folder


@pytest.fixture
def truncated_mt5(tmp_path, tiny_mt5) -> Path:
    folder = _copy(tiny_mt5, tmp_path / "truncated-mt5")
    _truncate(folder / "model.safetensors")
    return folder


def _assert_one_line_exit_2(proc, *words: str) -> None:
    stderr = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("model error")]
    assert len(lines) == 1, stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_truncated_weights_one_line(truncated_marian, engine):
    proc = run_cli("run", str(SEEDS[0]), "--summary-method", "extractive", "--engine", engine,
                   "--translation-model", str(truncated_marian))
    _assert_one_line_exit_2(proc, "model.safetensors", "damaged")


@pytest.mark.parametrize("engine", ENGINES)
def test_marian_without_sentencepiece_files_one_line(marian_without_spm, engine):
    proc = run_cli("run", str(SEEDS[0]), "--summary-method", "extractive", "--engine", engine,
                   "--translation-model", str(marian_without_spm))
    _assert_one_line_exit_2(proc, "source.spm", "vocab.json")


@pytest.mark.parametrize("engine", ENGINES)
def test_truncated_summary_model_falls_back_to_extractive(truncated_mt5, tiny_marian_eos, engine):
    clear_cache()
    pipe = Pipeline(str(truncated_mt5), str(tiny_marian_eos), engine=engine, num_beams=1)
    assert pipe.summarizer is None
    assert "damaged" in str(pipe.load_errors["summary"])
    result = pipe(SEEDS[1].read_text(encoding="utf-8"))
    assert result.summary_method == "extractive-lexrank"
    assert result.summary_ar


def test_truncated_summary_model_cli_exit_0(truncated_mt5, tiny_marian_eos):
    proc = run_cli("run", str(SEEDS[0]), "--summary-model", str(truncated_mt5),
                   "--translation-model", str(tiny_marian_eos), "--json")
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr
    assert '"summary_method": "extractive-lexrank"' in proc.stdout.decode("utf-8")


def test_folder_problem_sees_nothing_in_a_sound_folder(tiny_marian, tiny_mt5):
    assert folder_problem(tiny_marian) is None
    assert folder_problem(tiny_mt5) is None


def test_folder_problem_names_missing_weights_and_bad_config(tmp_path, tiny_mt5):
    no_weights = _copy(tiny_mt5, tmp_path / "no-weights")
    (no_weights / "model.safetensors").unlink()
    assert "no weights" in folder_problem(no_weights)
    bad_config = _copy(tiny_mt5, tmp_path / "bad-config")
    (bad_config / "config.json").write_text("{not json", encoding="utf-8")
    assert "config.json" in folder_problem(bad_config)


@pytest.mark.parametrize("engine", ENGINES)
def test_any_library_exception_while_loading_is_a_model_load_error(tiny_marian, monkeypatch, engine):
    """Whatever a damaged model makes a library raise (here a TypeError) is this model's load error."""
    clear_cache()

    def broken(*args, **kwargs):
        raise TypeError("expected str, bytes or os.PathLike object, not NoneType")

    monkeypatch.setattr(loader, "_load_transformers", broken)
    monkeypatch.setattr(loader, "_load_ctranslate2", broken)
    with pytest.raises(ModelLoadError, match="TypeError"):
        load_engine(str(tiny_marian), role="translation", engine=engine)
