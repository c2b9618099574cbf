"""Making CTranslate2's CUDA libraries findable, without the user setting LD_LIBRARY_PATH.

CTranslate2's wheels link CUDA 12 dynamically and, since 4.6.3, need only cuBLAS from it
(``libcublas.so.12`` and ``libcublasLt.so.12``; cuDNN is not used). A machine with a CUDA 13 driver
has neither, and CTranslate2 then loads a model onto the GPU and fails at its first batch. The
``gpu`` extra installs PyPI's ``nvidia-cublas-cu12``; this module loads its two libraries into the
process with ``RTLD_GLOBAL`` before CTranslate2 first needs them, so that its own ``dlopen`` of the
same sonames finds them already loaded (the approach of faster-whisper and CTranslate2 #1826).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from pathlib import Path

# Load order matters: libcublas.so.12 needs libcublasLt.so.12.
CUBLAS_LIBRARIES = ("libcublasLt.so.12", "libcublas.so.12")
INSTALL_HINT = "pip install 'arabic-news-summarizer[gpu]' (it installs nvidia-cublas-cu12)"

_loaded: dict[str, str] = {}


def wheel_library_dirs(package: str = "nvidia.cublas") -> list[Path]:
    """The ``lib`` folders of an installed NVIDIA wheel (``nvidia`` is a namespace package)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    locations = list(spec.submodule_search_locations or [])
    if spec.origin and not locations:
        locations = [str(Path(spec.origin).parent)]
    return [Path(location) / "lib" for location in locations if (Path(location) / "lib").is_dir()]


def find_cublas() -> dict[str, Path]:
    """Where each cuBLAS library of the ``gpu`` extra is, for those that are installed."""
    found: dict[str, Path] = {}
    for folder in wheel_library_dirs():
        for name in CUBLAS_LIBRARIES:
            if name not in found and (folder / name).is_file():
                found[name] = folder / name
    return found


def preload_cublas(loader=ctypes.CDLL) -> dict[str, str]:
    """Load the ``gpu`` extra's cuBLAS into this process (once); returns name -> path loaded.

    Does nothing for a library the system already provides (``ldconfig``/``LD_LIBRARY_PATH``):
    that one is found by CTranslate2 the usual way. Raises nothing: ``missing_cublas`` says
    what is still missing.
    """
    for name, path in find_cublas().items():
        if name in _loaded:
            continue
        try:
            loader(str(path), mode=getattr(os, "RTLD_GLOBAL", ctypes.RTLD_GLOBAL))
        except OSError:
            continue
        _loaded[name] = str(path)
    return dict(_loaded)


def system_has(name: str, loader=ctypes.CDLL) -> bool:
    try:
        loader(name, mode=getattr(os, "RTLD_GLOBAL", ctypes.RTLD_GLOBAL))
    except OSError:
        return False
    return True


def missing_cublas(loader=ctypes.CDLL) -> list[str]:
    """The cuBLAS libraries CTranslate2 will not find, after ``preload_cublas``."""
    preload_cublas(loader)
    return [name for name in CUBLAS_LIBRARIES if name not in _loaded and not system_has(name, loader)]
