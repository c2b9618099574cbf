"""The GPU set-up that can be checked without a GPU: finding and preloading the `gpu` extra's
cuBLAS, the message when it is missing, and the compute type chosen per device and role."""

from __future__ import annotations

import ctypes
import sys

import pytest

from summarizer.choices import GPU_COMPUTE_TYPES, default_quantization
from summarizer.engines import cuda_libs, loader
from summarizer.errors import GpuUnusable


@pytest.fixture
def fake_wheel(tmp_path, monkeypatch):
    """site-packages/nvidia/cublas/lib as pip's nvidia-cublas-cu12 lays it out (empty files)."""
    lib = tmp_path / "nvidia" / "cublas" / "lib"
    lib.mkdir(parents=True)
    for name in cuda_libs.CUBLAS_LIBRARIES:
        (lib / name).write_bytes(b"")
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in [m for m in sys.modules if m == "nvidia" or m.startswith("nvidia.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(cuda_libs, "_loaded", {})
    return lib


def test_finds_the_wheels_libraries(fake_wheel):
    assert cuda_libs.find_cublas() == {name: fake_wheel / name for name in cuda_libs.CUBLAS_LIBRARIES}


def test_preloads_them_globally_in_dependency_order_once(fake_wheel):
    calls = []

    def loader_(path, mode=0):
        calls.append((path.rsplit("/", 1)[-1], mode))

    loaded = cuda_libs.preload_cublas(loader_)
    assert [name for name, _ in calls] == ["libcublasLt.so.12", "libcublas.so.12"]
    assert all(mode == ctypes.RTLD_GLOBAL for _, mode in calls)
    assert set(loaded) == set(cuda_libs.CUBLAS_LIBRARIES)
    cuda_libs.preload_cublas(loader_)
    assert len(calls) == 2  # not loaded twice
    assert cuda_libs.missing_cublas(loader_) == []


def test_says_what_is_missing_and_how_to_get_it(monkeypatch):
    monkeypatch.setattr(cuda_libs, "_loaded", {})
    monkeypatch.setattr(cuda_libs, "wheel_library_dirs", lambda package="nvidia.cublas": [])

    def nothing(path, mode=0):
        raise OSError(f"{path}: cannot open shared object file")

    assert cuda_libs.missing_cublas(nothing) == list(cuda_libs.CUBLAS_LIBRARIES)
    monkeypatch.setattr(cuda_libs, "missing_cublas", lambda: ["libcublas.so.12"])
    with pytest.raises(GpuUnusable, match=r"libcublas\.so\.12.*\[gpu\]") as raised:
        loader._check_cublas()
    assert "\n" not in str(raised.value) and "[gpu]" in raised.value.advice


def test_compute_type_per_device_and_role():
    assert default_quantization("summary", "cpu", None) is None  # the export's int8
    assert default_quantization("translation", "cpu", None) is None
    assert default_quantization("summary", "cuda", None) == GPU_COMPUTE_TYPES["summary"] == "bfloat16"
    assert default_quantization("translation", "cuda", None) == "int8_float16"
    assert default_quantization("summary", "cuda", "float32") == "float32"  # asked for: kept


# -- batches cut by tokens (the GPU's default) -------------------------------------------------
def test_batches_are_cut_by_count_and_by_padded_tokens():
    from summarizer.engines.batching import plan_batches

    texts = ["a" * n for n in (5, 40, 10, 30, 20)]
    assert plan_batches(texts, 2) == [[1, 3], [4, 2], [0]]  # the CPU's: by count, longest first
    tokens = [5, 40, 10, 30, 20]
    # at most 60 padded tokens: 40 alone (40x2 > 60), then 30+20 (30x2), then 10+5
    assert plan_batches(texts, 100, tokens, max_tokens=60) == [[1], [3, 4], [2, 0]]
    assert plan_batches(texts, 100, tokens, max_tokens=1) == [[1], [3], [4], [2], [0]]  # one a batch, never none


def test_device_sets_the_batch_limits(tiny_marian):
    from summarizer.choices import BATCH_LIMITS, GROUP_SIZES
    from summarizer.loading import load_stages

    stages = load_stages(None, str(tiny_marian), summary_method="lead")
    assert (stages.translator.batch_size, stages.translator.max_batch_tokens) == BATCH_LIMITS["cpu"]["translation"]
    assert BATCH_LIMITS["cuda"]["translation"][1] and BATCH_LIMITS["cuda"]["summary"][1]  # cut by tokens
    assert GROUP_SIZES["cuda"] > GROUP_SIZES["cpu"]


def test_token_batches_translate_as_one_by_one(tiny_marian, seed_texts):
    from summarizer import split_sentences
    from summarizer.engines.base import DecodeSettings
    from summarizer.stages.translate import Translator

    engine = loader.load_engine(str(tiny_marian), role="translation", quantization="float32")
    greedy = DecodeSettings(num_beams=1, max_new_tokens=12)
    sentences = split_sentences(seed_texts[2])
    by_tokens = Translator(engine, decoding=greedy, batch_size=512, max_batch_tokens=200).translate(sentences)
    alone = Translator(engine, decoding=greedy, batch_size=1).translate(sentences)
    assert by_tokens == alone and len(by_tokens) == len(sentences)
