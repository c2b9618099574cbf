"""Loading models: one way in for every model, once per process, with errors a user can act on.

``load_engine`` resolves the model's source once, picks the engine, makes sure a CTranslate2
export exists (converting once into the cache), falls back to PyTorch on a GPU that CTranslate2
cannot use (``engine="auto"`` only) and caches the loaded engine.

The cache is the one deliberate piece of global state in the package, keyed by (model, engine,
device, quantization, vocabulary restriction), so the CLI, the batch API and the app share one copy of each model however
many pipelines they build.
"""

from __future__ import annotations

import importlib.util
import threading

from ..choices import (
    DEFAULT_VOCAB_RESTRICTION,
    DEVICES,
    ENGINES,
    OUTPUT_LANGUAGE,
    QUANTIZATIONS,
    ROLES,
    VOCAB_RESTRICTIONS,
    check_choice,
    default_quantization,
)
from ..errors import GpuUnusable, ModelLoadError, OptionError, SummarizerError
from .base import Seq2SeqEngine
from .ctranslate2_native import native_source
from .export import cached_export, ensure_export, first_line
from .family import gpu_compute_type
from .locate import NATIVE, ModelSource

_CACHE: dict[tuple, Seq2SeqEngine] = {}
_LOCK = threading.Lock()


def resolve_engine(source: ModelSource, engine: str) -> str:
    """``auto`` is CTranslate2 whenever it is installed (a dependency, so: always).

    ``python -m eval.speed`` measured it 3-5x faster than transformers on a 2-core CPU with int8
    weights, at a quarter of the memory: a Hugging Face model is converted once into the cache.
    """
    check_choice("engine", engine, ENGINES)
    if engine == "auto":
        if source.is_exported:
            return "ctranslate2"
        return "ctranslate2" if importlib.util.find_spec("ctranslate2") is not None else "transformers"
    return engine


def load_engine(
    model: str | ModelSource,
    *,
    role: str,
    engine: str = "auto",
    device: str = "cpu",
    quantization: str | None = None,
    vocab_restriction: str = DEFAULT_VOCAB_RESTRICTION,
    share_cores: bool = True,
) -> Seq2SeqEngine:
    """Load (or reuse) ``model`` for ``role`` ("summary" or "translation").

    ``share_cores``: a CTranslate2 model on the CPU gets half the cores, to run beside the other
    model (see ``CTranslate2Engine.load``); ``False`` when it will run alone, with all of them. A
    translation model on the CPU gets two workers on half the cores each, whether it shares them or
    not: two threads translate (docs/speed.md).

    ``vocab_restriction="on"``: a Hugging Face model is exported for CTranslate2 with its target
    vocabulary trimmed to the role's output language (Arabic summary, English translation; see
    engines/vocabulary.py), in a cache folder of its own. A CTranslate2 folder is used as it was
    exported, and the transformers engine always decodes with the whole vocabulary.

    Raises ``ModelLoadError`` with a message naming the model, the reason and what to do, and
    ``OptionError`` for an unknown engine, device or quantization.
    """
    check_choice("role", role, ROLES)
    check_choice("device", device, DEVICES)
    if quantization is not None:
        check_choice("quantization", quantization, QUANTIZATIONS)
    check_choice("vocab_restriction", vocab_restriction, VOCAB_RESTRICTIONS)
    source = native_source(ModelSource.resolve(model), role)
    requested, engine = engine, resolve_engine(source, engine)
    _check_device(device, engine)
    if engine == "ctranslate2":
        quantization = default_quantization(role, device, quantization, gpu_compute_type(source))
    restriction = OUTPUT_LANGUAGE[role] if vocab_restriction == "on" else None
    shares = engine == "ctranslate2" and device == "cpu" and share_cores
    key = (source.name, engine, device, quantization, restriction if engine == "ctranslate2" else None, shares)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if not (engine == "ctranslate2" and cached_export(source, quantization, restriction) is not None):
            source.check(role)
        try:
            if engine == "ctranslate2":
                try:
                    loaded = _load_ctranslate2(source, role, device, quantization, restriction, shares)
                except GpuUnusable as exc:
                    if requested != "auto" or source.is_exported:
                        raise
                    loaded = _transformers_instead(source, device, exc)
            else:
                loaded = _load_transformers(source, device)
        except SummarizerError:
            raise
        except Exception as exc:  # whatever a damaged model makes a library raise, it is this model's load that failed
            advice = getattr(exc, "advice", None) or source.advice(role)  # GpuUnusable knows better
            raise ModelLoadError(role, source.name, first_line(exc), advice) from exc
        _CACHE[key] = loaded
        return loaded


def _load_ctranslate2(
    source: ModelSource, role: str, device: str, quantization: str | None, restriction: str | None = None,
    share_cores: bool = True,
) -> Seq2SeqEngine:
    from .ctranslate2_engine import CTranslate2Engine, available_cores

    if device == "cuda":
        _check_cublas()
    workers = 2 if role == "translation" and device == "cpu" and available_cores() > 1 else 1  # see load_engine
    if source.kind == NATIVE:  # shipped for CTranslate2, with SentencePiece models: nothing to convert
        from .ctranslate2_native import NativeEngine

        return NativeEngine.open(source, role=role, device=device, quantization=quantization,
                                 restriction=restriction, share_cores=share_cores, workers=workers)
    folder = ensure_export(source, quantization, role=role, restriction=restriction)
    return CTranslate2Engine.load(folder, source.name, device=device, quantization=quantization,
                                  share_cores=share_cores, workers=workers)


def _load_transformers(source: ModelSource, device: str) -> Seq2SeqEngine:
    from .transformers_engine import TransformersEngine

    return TransformersEngine.load(source.location, device=device, model_id=source.name)


def _transformers_instead(source: ModelSource, device: str, reason: Exception) -> Seq2SeqEngine:
    """``engine="auto"`` on a GPU that CTranslate2 cannot use: PyTorch's own CUDA may well work.

    The engine carries a ``load_note`` that the pipeline shows with its warnings.
    """
    import torch

    if not torch.cuda.is_available():
        raise reason
    loaded = _load_transformers(source, device)
    loaded.load_note = f"{reason} The transformers engine runs this model on the GPU instead (engine='auto')."
    return loaded


def _check_device(device: str, engine: str) -> None:
    if device != "cuda":
        return
    if engine == "ctranslate2":
        import ctranslate2

        found = ctranslate2.get_cuda_device_count() > 0
    else:
        import torch

        found = torch.cuda.is_available()
    if not found:
        raise OptionError(f"device 'cuda' was asked for but the {engine} engine sees no CUDA GPU; use --device cpu")


def _check_cublas() -> None:
    """Load the ``gpu`` extra's cuBLAS, or say at load time (not at the first batch) that it is missing."""
    from .cuda_libs import INSTALL_HINT, missing_cublas

    missing = missing_cublas()
    if missing:
        raise GpuUnusable(f"CTranslate2 needs {' and '.join(missing)} (CUDA 12 cuBLAS) and cannot find "
                          f"{'them' if len(missing) > 1 else 'it'}: {INSTALL_HINT}")


def clear_cache() -> None:
    """Forget loaded models (tests, or a long-lived process switching models)."""
    with _LOCK:
        _CACHE.clear()
