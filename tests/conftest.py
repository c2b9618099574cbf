from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

# Tiny models gain nothing from threads, and several test processes (CLI subprocesses, the app
# server) share 2 cores: OpenMP threads spinning against each other made each step 20x slower.
# Set before torch is imported; subprocesses inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# CTranslate2 conversions of the tiny models go to a cache of this test session, never ~/.cache.
os.environ.setdefault("SUMMARIZER_CACHE", tempfile.mkdtemp(prefix="summarizer-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from eval.data import data_root  # noqa: E402  (after the path insert)

# The evaluation data: $SUMMARIZER_DATA, else ../shared/data beside the checkout (eval/data.py).
SHARED_DATA = data_root()
NO_DATA = f"no evaluation data in {SHARED_DATA} (set SUMMARIZER_DATA)"  # skip reason
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory) -> Path:
    from tests.tiny_models import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("models") / "tiny-marian")


@pytest.fixture(scope="session")
def tiny_marian_eos(tmp_path_factory) -> Path:
    """A tiny Marian that stops early: for CLI runs, which decode with the real length limits."""
    from tests.tiny_models import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("models") / "tiny-marian-eos", eos_bias=3.6)


@pytest.fixture(scope="session")
def tiny_mt5(tmp_path_factory) -> Path:
    from tests.tiny_models import build_tiny_mt5

    return build_tiny_mt5(tmp_path_factory.mktemp("models") / "tiny-mt5")


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory) -> Path:
    """A tiny NLLB (M2M100 + NllbTokenizer, arb_Arab / eng_Latn)."""
    from tests.tiny_models import build_tiny_nllb

    return build_tiny_nllb(tmp_path_factory.mktemp("models") / "tiny-nllb")


@pytest.fixture(scope="session")
def tiny_marian_big(tmp_path_factory) -> Path:
    """A tiny Marian of Opus-MT tc-big's kind (ReLU, </s> mid-vocabulary)."""
    from tests.tiny_models import build_tiny_marian_big

    return build_tiny_marian_big(tmp_path_factory.mktemp("models") / "tiny-marian-big")


@pytest.fixture(scope="session")
def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    """``fake_hub({hub_id: folder})``: a Hugging Face cache holding those tiny folders under those hub ids,
    offline, and a CTranslate2 cache of this test's own."""
    import shutil

    import huggingface_hub.constants

    def fill(models: dict[str, Path]) -> Path:
        for hub_id, folder in models.items():
            snapshot = tmp_path / "hub" / f"models--{hub_id.replace('/', '--')}" / "snapshots" / "0123abcd"
            shutil.copytree(folder, snapshot)
            (snapshot.parents[1] / "refs").mkdir()
            (snapshot.parents[1] / "refs" / "main").write_text("0123abcd", encoding="utf-8")
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
        monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
        return tmp_path / "hub"

    return fill


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """No test may reach for the network: the hub is unreachable here anyway."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "error")


@pytest.fixture(scope="session")
def local_site(tmp_path_factory):
    """Saved web pages (and the Word and PDF files below) served on 127.0.0.1 for the whole session."""
    from tests.sample_documents import ARTICLE_LINES, ARTICLE_TITLE, LocalSite, make_docx, make_pdf

    root = tmp_path_factory.mktemp("site")
    make_docx(root / "article.docx", ARTICLE_LINES, title=ARTICLE_TITLE)
    make_pdf(root / "article.pdf", ARTICLE_LINES, title=ARTICLE_TITLE)
    make_pdf(root / "scanned.pdf", [])
    with LocalSite(root) as site:
        yield site


# -- markers a test gets from what it uses (declared in pyproject.toml) ------------------------------
# Keyed on a fixture or a module's marker, so a new test gets them without a line of its own.
# The fast part: pytest -m "not slow and not ray"; scripts/test.sh and CI run everything.
RAY_FIXTURES = {"ray_tmp"}  # a real local Ray in a temp dir of the test's own
SLOW_MARKERS = {"browser"}  # headless Chromium


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m deselection reads the markers
def pytest_collection_modifyitems(config, items):
    for item in items:
        if RAY_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.ray)
        if any(item.get_closest_marker(name) for name in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)
    _gpu_only_when_asked(config, items)


def _gpu_only_when_asked(config, items) -> None:
    """A -m on the command line replaces addopts' ``-m 'not gpu'``: GPU tests still run only when it names gpu.

    Without this, ``pytest -m "not slow and not ray"`` would select the GPU tests, which fail without a GPU.
    """
    if re.search(r"\bgpu\b", config.option.markexpr or ""):
        return
    gpu = [item for item in items if item.get_closest_marker("gpu")]
    if gpu:
        config.hook.pytest_deselected(items=gpu)
        items[:] = [item for item in items if not item.get_closest_marker("gpu")]
