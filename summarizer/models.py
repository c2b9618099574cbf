"""Loading models: hub ids or local folders, once per process, with errors a user can act on.

This is the one deliberate piece of global state in the package: a cache of loaded engines,
keyed by (model, engine, device, quantization), so the CLI, the batch API and the app share
one copy of each model however many pipelines they build.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

from .engines.base import Seq2SeqEngine
from .errors import ModelLoadError

DEFAULT_SUMMARY_MODEL = "csebuetnlp/mT5_multilingual_XLSum"
DEFAULT_TRANSLATION_MODEL = "Helsinki-NLP/opus-mt-ar-en"
ENGINES = ("auto", "transformers", "ctranslate2")

_CACHE: dict[tuple, Seq2SeqEngine] = {}
_LOCK = threading.Lock()


def is_ctranslate2_folder(path: str | Path) -> bool:
    """A folder written by ``summarizer convert`` (or ct2-transformers-converter)."""
    p = Path(path)
    return (p / "model.bin").is_file() and not any(
        (p / name).exists() for name in ("model.safetensors", "pytorch_model.bin")
    )


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or os.sep in model.strip("/").split("/", 1)[-1] or Path(model).exists()


def _hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP check, so that an offline machine fails in seconds, not after minutes of retries."""
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    parsed = urlparse(endpoint)
    host, port = parsed.hostname or "huggingface.co", parsed.port or (443 if parsed.scheme != "http" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _in_hub_cache(model: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - huggingface_hub comes with transformers
        return False
    found = try_to_load_from_cache(model, "config.json")
    return isinstance(found, str)


def _advice(role: str, model: str) -> str:
    option = "--summary-model" if role == "summary" else "--translation-model"
    if looks_like_path(model):
        default = DEFAULT_SUMMARY_MODEL if role == "summary" else DEFAULT_TRANSLATION_MODEL
        return (
            f"Check the path given with {option}: it must be a folder holding config.json, the weights and the "
            f"tokenizer files (e.g. `hf download {default} --local-dir DIR` on a machine with a network)."
        )
    return (
        f"On a machine with a network, download it (`hf download {model} --local-dir models/{model.split('/')[-1]}`) "
        f"and pass that folder with {option} (Python: {role}_model=...), or copy a filled Hugging Face cache "
        "(HF_HOME) here and set HF_HUB_OFFLINE=1."
    )


def _check_loadable(role: str, model: str) -> None:
    """Fail fast, with the real reason, before transformers starts retrying a dead network."""
    if looks_like_path(model):
        path = Path(model).expanduser()
        if not path.is_dir():
            raise ModelLoadError(role, model, f"the folder {path} does not exist", _advice(role, model))
        if not (path / "config.json").is_file() and not (path / "model.bin").is_file():
            raise ModelLoadError(
                role,
                model,
                f"the folder {path} has no config.json: it is not a model in Hugging Face format",
                "Point to the folder that holds config.json and the tokenizer files.",
            )
        return
    if _in_hub_cache(model):
        return
    if offline():
        raise ModelLoadError(
            role, model, "HF_HUB_OFFLINE=1 is set and the model is not in the local Hugging Face cache", _advice(role, model)
        )
    if not _hub_reachable():
        raise ModelLoadError(
            role, model, "the Hugging Face hub cannot be reached (no network) and the model is not in the local cache",
            _advice(role, model),
        )


def resolve_engine(model: str, engine: str) -> str:
    """``auto`` is CTranslate2 whenever it is installed (a dependency, so: always).

    ``python -m eval.speed`` measured it 3-5x faster than transformers on a 2-core CPU with int8
    weights, at a quarter of the memory: a Hugging Face model is converted once into the cache.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "auto":
        if is_ctranslate2_folder(Path(model).expanduser()):
            return "ctranslate2"
        return "ctranslate2" if importlib.util.find_spec("ctranslate2") is not None else "transformers"
    return engine


def load_engine(
    model: str,
    *,
    role: str,
    engine: str = "auto",
    device: str = "cpu",
    quantization: str | None = None,
) -> Seq2SeqEngine:
    """Load (or reuse) ``model`` for ``role`` ("summary" or "translation").

    Raises ``ModelLoadError`` with a message naming the model, the reason and what to do.
    """
    requested, engine = engine, resolve_engine(model, engine)
    device = _resolve_device(device, engine)
    key = (str(model), engine, device, quantization)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if not (engine == "ctranslate2" and _has_cached_export(model, quantization)):
            _check_loadable(role, model)
        try:
            if engine == "ctranslate2":
                from .engines.ctranslate2_engine import CTranslate2Engine, GpuUnusable

                try:
                    loaded = CTranslate2Engine.load(model, device=device, quantization=quantization)
                except GpuUnusable as exc:
                    if requested != "auto" or is_ctranslate2_folder(Path(model).expanduser()):
                        raise
                    loaded = _transformers_instead(model, device, exc)
            else:
                from .engines.transformers_engine import TransformersEngine

                loaded = TransformersEngine.load(str(Path(model).expanduser()) if looks_like_path(model) else model, device=device)
        except ModelLoadError:
            raise
        except (OSError, ValueError, KeyError, RuntimeError, ImportError) as exc:
            advice = getattr(exc, "advice", None) or _advice(role, model)  # GpuUnusable knows better
            raise ModelLoadError(role, model, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else exc}",
                                 advice) from exc
        _CACHE[key] = loaded
        return loaded


def _transformers_instead(model: str, device: str, reason: Exception) -> Seq2SeqEngine:
    """``engine="auto"`` on a GPU that CTranslate2 cannot use: PyTorch's own CUDA may well work.

    The engine carries a ``load_note`` that the pipeline shows with its warnings.
    """
    import torch

    from .engines.transformers_engine import TransformersEngine

    if not torch.cuda.is_available():
        raise reason
    loaded = TransformersEngine.load(str(Path(model).expanduser()) if looks_like_path(model) else model, device=device)
    loaded.load_note = f"{reason} The transformers engine runs this model on the GPU instead (engine='auto')."
    return loaded


def _has_cached_export(model: str, quantization: str | None) -> bool:
    """An earlier conversion of a hub id can be used offline even when the hub cache is gone."""
    from .engines.ctranslate2_engine import cached_export

    return cached_export(model, quantization) is not None


def _resolve_device(device: str, engine: str) -> str:
    if device not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {device!r}; use 'cpu' or 'cuda'")
    if device == "cuda":
        if engine == "ctranslate2":
            import ctranslate2

            found = ctranslate2.get_cuda_device_count() > 0
        else:
            import torch

            found = torch.cuda.is_available()
        if not found:
            raise ValueError(f"device 'cuda' was asked for but the {engine} engine sees no CUDA GPU; use --device cpu")
    return device


def clear_cache() -> None:
    """Forget loaded models (tests, or a long-lived process switching models)."""
    with _LOCK:
        _CACHE.clear()
