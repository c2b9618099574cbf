"""Where a model comes from, worked out once: a hub id, a Hugging Face folder or a CTranslate2 folder.

``ModelSource.resolve(model)`` is the one place that looks at a model name; everything below the
CLI passes the resulting value around. The probes (offline flag, hub reachable, hub cache) live
here too, so that a missing model fails in seconds with the real reason, before transformers
starts retrying a dead network. A leaf of the engine layer: it imports only errors and options.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..errors import ModelLoadError

HUB, HF_FOLDER, CT2_FOLDER = "hub", "hf-folder", "ct2-folder"
NATIVE = "ct2-native"  # a CTranslate2 model shipped with SentencePiece models (quickmt, Argos Translate)
# What a CTranslate2-native model is recognised by (engines/ctranslate2_native.py loads it): its
# SentencePiece models, one per side or one shared, and an Argos Translate package's zip suffix.
NATIVE_SPM_FILES = ("src.spm.model", "tgt.spm.model", "joint.spm.model", "sentencepiece.model")
ARGOS_SUFFIX = ".argosmodel"
_HF_TOKENIZER_FILES = ("tokenizer_config.json", "tokenizer.json")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_SHARD_INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
# The files a tokenizer cannot be built without, by config.json's model_type; any other family needs
# at least one of _ANY_TOKENIZER (a folder without them fails deep inside transformers, with a TypeError).
_TOKENIZER_FILES = {"marian": ("source.spm", "target.spm", "vocab.json")}
_ANY_TOKENIZER = ("tokenizer.json", "spiece.model", "sentencepiece.bpe.model", "tokenizer.model", "vocab.json")


def offline() -> bool:
    """``HF_HUB_OFFLINE`` as the hub library reads it."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP check, so that an offline machine fails in seconds, not after minutes of retries."""
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    parsed = urlparse(endpoint)
    host, port = parsed.hostname or "huggingface.co", parsed.port or (443 if parsed.scheme != "http" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def in_hub_cache(model: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - huggingface_hub comes with transformers
        return False
    return isinstance(try_to_load_from_cache(model, "config.json"), str)


def looks_like_path(model: str) -> bool:
    """A folder rather than a hub id: starts like a path, has more than one slash, or exists."""
    return model.startswith((".", "/", "~")) or os.sep in model.strip("/").split("/", 1)[-1] or Path(model).exists()


def is_ctranslate2_folder(path: str | Path) -> bool:
    """A folder written by ``summarizer convert`` (or ct2-transformers-converter)."""
    p = Path(path)
    return (p / "model.bin").is_file() and not any((p / name).exists() for name in _WEIGHT_FILES)


def is_native_model(path: str | Path) -> bool:
    """A CTranslate2 model with SentencePiece models and no Hugging Face files: a folder (``model.bin``
    and/or ``src.spm.model``...), an unpacked Argos Translate package (``model/`` beside
    ``sentencepiece.model``) or a zipped one (``*.argosmodel``). Judged by its files, never its name."""
    p = Path(path)
    if p.is_file():
        return p.suffix == ARGOS_SUFFIX
    if not p.is_dir() or any((p / name).exists() for name in (*_WEIGHT_FILES, *_HF_TOKENIZER_FILES)):
        return False
    return any((p / name).is_file() for name in (*NATIVE_SPM_FILES, "model.bin", "model/model.bin"))


def folder_problem(path: Path) -> str | None:
    """What makes a Hugging Face folder unloadable, found without loading it (None: nothing found).

    A copy cut short (a truncated ``model.safetensors``) or a folder missing its tokenizer files
    otherwise fails deep inside safetensors or transformers with an exception that names neither
    the folder nor the file.
    """
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"its config.json cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    if not isinstance(config, dict):
        return "its config.json is not a JSON object"
    weights = [path / name for name in _WEIGHT_FILES if (path / name).is_file()]
    if not weights and not any((path / name).is_file() for name in _SHARD_INDEXES):
        return f"the folder {path} has no weights ({' or '.join(_WEIGHT_FILES)})"
    for file in weights:
        if file.suffix == ".safetensors" and (problem := _safetensors_problem(file)):
            return f"{file.name} is damaged: {problem} (an interrupted download or copy?)"
    needed = _TOKENIZER_FILES.get(str(config.get("model_type", "")))
    if needed:
        missing = [name for name in needed if not (path / name).is_file()]
        if missing:
            return f"the folder {path} lacks the tokenizer file{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    elif not any((path / name).is_file() for name in _ANY_TOKENIZER):
        return f"the folder {path} has no tokenizer files ({', '.join(_ANY_TOKENIZER)})"
    return None


def _safetensors_problem(file: Path) -> str | None:
    """A safetensors file must hold its header (8-byte length, then JSON) and every tensor it lists."""
    size = file.stat().st_size
    try:
        with file.open("rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                return f"{size} bytes, too short to hold a header"
            (length,) = struct.unpack("<Q", head)
            if length > size - 8:
                return f"its header says {length} bytes, the file has {size - 8} after the length"
            header = json.loads(handle.read(length))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"its header cannot be read ({type(exc).__name__})"
    ends = [entry["data_offsets"][1] for key, entry in header.items()
            if key != "__metadata__" and isinstance(entry, dict) and len(entry.get("data_offsets", ())) == 2]
    if ends and 8 + length + max(ends) > size:
        return f"it holds {size:,} bytes of the {8 + length + max(ends):,} its tensors need"
    return None


@dataclass(frozen=True)
class ModelSource:
    """A model name resolved once.

    ``name`` is what the user gave (shown in messages and ``result.models``), ``kind`` one of
    ``hub``, ``hf-folder``, ``ct2-folder``, and ``path`` the expanded folder for local kinds.
    """

    name: str
    kind: str
    path: Path | None = None

    @classmethod
    def resolve(cls, model: str | Path | ModelSource) -> ModelSource:
        if isinstance(model, ModelSource):
            return model
        name = str(model)
        if not looks_like_path(name):
            return cls(name, HUB)
        path = Path(name).expanduser()
        if is_native_model(path):
            return cls(name, NATIVE, path)
        return cls(name, CT2_FOLDER if is_ctranslate2_folder(path) else HF_FOLDER, path)

    @property
    def is_local(self) -> bool:
        return self.path is not None

    @property
    def is_exported(self) -> bool:
        """A CTranslate2 model already (nothing to convert), exported here or shipped that way."""
        return self.kind in (CT2_FOLDER, NATIVE)

    @property
    def location(self) -> str:
        """What transformers' ``from_pretrained`` takes: the folder, or the hub id."""
        return str(self.path) if self.path is not None else self.name

    def check(self, role: str) -> None:
        """Raise ``ModelLoadError`` (with what to do) unless the model can be loaded from here, now."""
        if self.path is not None:
            if self.kind == NATIVE:
                return  # its files are checked one by one as it loads (engines/ctranslate2_native.py)
            if not self.path.is_dir():
                raise ModelLoadError(role, self.name, f"the folder {self.path} does not exist", self.advice(role))
            if not (self.path / "config.json").is_file() and not (self.path / "model.bin").is_file():
                raise ModelLoadError(
                    role, self.name,
                    f"the folder {self.path} has no config.json: it is not a model in Hugging Face format",
                    "Point to the folder that holds config.json and the tokenizer files.",
                )
            if not self.is_exported:
                problem = folder_problem(self.path)
                if problem:
                    raise ModelLoadError(role, self.name, problem, self.advice(role))
            return
        if in_hub_cache(self.name):
            return
        if offline():
            raise ModelLoadError(role, self.name, "HF_HUB_OFFLINE=1 is set and the model is not in the local "
                                 "Hugging Face cache", self.advice(role))
        if not hub_reachable():
            raise ModelLoadError(role, self.name, "the Hugging Face hub cannot be reached (no network) and the "
                                 "model is not in the local cache", self.advice(role))

    def hub_snapshot(self) -> str:
        """What to load a hub id from: the id online, its cached snapshot folder offline.

        Offline, transformers would otherwise retry the dead network for every file it looks for
        (minutes); the snapshot folder is what it would end up reading anyway.
        """
        if self.path is not None:
            return str(self.path.resolve())
        if not offline() and hub_reachable():
            return self.name
        from huggingface_hub import snapshot_download

        try:
            return snapshot_download(self.name, local_files_only=True)
        except Exception:  # not fully cached: let transformers try, and report what it says
            return self.name

    def advice(self, role: str) -> str:
        """The advice code for a model that cannot be loaded from here (``errors.MODEL_ADVICE``)."""
        return "check-folder" if self.path is not None else "download-hub"
