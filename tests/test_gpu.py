"""The ``device="cuda"`` path, on a machine with an NVIDIA GPU: ``pytest -m gpu``.

These tests are deselected by default (``-m "not gpu"`` in pyproject.toml), since CI and laptops
have no GPU: they are not skips of something the set-up could install. They run the same tiny
models as the CPU tests and compare the GPU's outputs with the CPU's.
"""

from __future__ import annotations

import pytest

from summarizer import Pipeline, split_sentences
from summarizer.engines.base import DecodeSettings
from summarizer.engines.loader import clear_cache
from summarizer.engines.transformers_engine import TransformersEngine
from summarizer.errors import ModelLoadError

pytestmark = pytest.mark.gpu

GREEDY = DecodeSettings(num_beams=1, max_new_tokens=16)


@pytest.fixture(autouse=True)
def _needs_cuda():
    import torch

    if not torch.cuda.is_available():
        pytest.fail("pytest -m gpu needs a CUDA GPU that torch can see")
    clear_cache()
    yield
    clear_cache()


def _sentences(seed_texts) -> list[str]:


    return [s for text in seed_texts for s in split_sentences(text)][:24]


@pytest.mark.parametrize("model", ["tiny_marian", "tiny_mt5"])
def test_transformers_engine_on_cuda_matches_cpu(request, seed_texts, model):
    folder = str(request.getfixturevalue(model))
    sentences = _sentences(seed_texts)
    gpu = TransformersEngine.load(folder, device="cuda")
    assert next(gpu.model.parameters()).is_cuda
    cpu = TransformersEngine.load(folder, device="cpu")
    on_gpu = gpu.generate(sentences, GREEDY)
    assert on_gpu == [gpu.generate([s], GREEDY)[0] for s in sentences]  # batched == one by one
    on_cpu = cpu.generate(sentences, GREEDY)
    same = sum(a == b for a, b in zip(on_gpu, on_cpu, strict=True))
    # float32 on both; the GPU sums in another order, so a near-tie may flip a random model's token
    assert same >= 0.9 * len(sentences), list(zip(on_gpu, on_cpu, strict=True))


def test_pipeline_on_cuda(tiny_mt5, tiny_marian, seed_texts):
    pipe = Pipeline(str(tiny_mt5), str(tiny_marian), engine="transformers", device="cuda",
                    summary_decoding=GREEDY, translation_decoding=GREEDY)
    result = pipe(seed_texts[1])
    assert result.ok and result.summary_ar and result.summary_en
    assert [p.ar for p in result.translation] == result.sentences
    assert pipe.translator.engine.device == "cuda"


def test_ctranslate2_on_cuda_runs_or_fails_clearly_at_load(tiny_marian, seed_texts):
    """CTranslate2's wheels are built for CUDA 12; on a machine with other CUDA libraries it loads a
    model onto the GPU and fails at the first batch. The check at load time turns that into one
    clear ModelLoadError before any article is read."""
    import ctranslate2

    assert ctranslate2.get_cuda_device_count() >= 1
    try:
        pipe = Pipeline(None, str(tiny_marian), engine="ctranslate2", device="cuda", summary_method="lead",
                        translation_decoding=GREEDY)
    except ModelLoadError as exc:
        message = str(exc)
        assert "cannot compute on the GPU" in message and "--engine transformers" in message
        assert "\n" not in message
        ctranslate2_works = False
    else:
        result = pipe(seed_texts[1])
        assert [p.ar for p in result.translation] == result.sentences
        ctranslate2_works = True

    # engine="auto" (the default) uses PyTorch's CUDA where CTranslate2's cannot, and says so
    clear_cache()
    pipe = Pipeline(None, str(tiny_marian), device="cuda", summary_method="lead", translation_decoding=GREEDY)
    result = pipe(seed_texts[1])
    assert [p.ar for p in result.translation] == result.sentences
    expected = "ctranslate2" if ctranslate2_works else "transformers"
    assert result.models["translation"]["engine"] == expected
    assert ctranslate2_works or any("runs this model on the GPU instead" in w for w in result.warnings)


@pytest.mark.parametrize("model", ["tiny_marian", "tiny_mt5"])
def test_ctranslate2_on_cuda_with_the_gpu_extra_matches_cpu(request, seed_texts, model):
    """With the `gpu` extra installed, CTranslate2 itself runs on the GPU (not the PyTorch fallback):
    greedy outputs as on the CPU (1 in 10 may differ: half precision sums in another order), and
    batched == one by one."""
    from summarizer.engines.cuda_libs import missing_cublas
    from summarizer.engines.loader import load_engine

    assert missing_cublas() == [], "install the gpu extra: pip install -e '.[gpu]'"
    folder = str(request.getfixturevalue(model))
    role = "summary" if model == "tiny_mt5" else "translation"
    clear_cache()
    gpu = load_engine(folder, role=role, engine="ctranslate2", device="cuda")
    cpu = load_engine(folder, role=role, engine="ctranslate2", device="cpu", quantization="float32")
    assert gpu.engine == "ctranslate2" and gpu.translator.device == "cuda"
    sentences = split_sentences(seed_texts[1])[:10]
    on_gpu = gpu.generate(sentences, GREEDY)
    assert on_gpu == [gpu.generate([s], GREEDY)[0] for s in sentences]
    on_cpu = cpu.generate(sentences, GREEDY)
    same = sum(a == b for a, b in zip(on_gpu, on_cpu, strict=True))
    assert same >= 0.9 * len(sentences), list(zip(on_gpu, on_cpu, strict=True))


def test_throughput_benchmark_on_cuda(tmp_path):
    """eval.throughput's GPU path on the tiny models: both engines on cuda, GPU name and memory reported."""
    import json

    from eval import throughput

    out = tmp_path / "report"
    assert throughput.main(["--device", "cuda", "--tiny", "--articles", "8", "--out", str(out),
                            "--cache", str(tmp_path / "cache")]) == 0
    payload = json.loads((out / "throughput.json").read_text(encoding="utf-8"))
    assert payload["device"]["name"] and payload["device"]["memory_gb"] > 0
    assert all(e["failed"] == 0 and e["peak_gpu_memory_gb"] is not None for e in payload["engines"].values())
