"""CTranslate2-native models: a CTranslate2 folder with SentencePiece models and no transformers checkpoint.

Many translation models ship this way: quickmt's (``quickmt/quickmt-ar-en``: ``model.bin``, ``src.spm.model``,
``tgt.spm.model``, ``source_vocabulary.json``, ``target_vocabulary.json``, CTranslate2's ``config.json``) and
Argos Translate's packages (a zip named ``*.argosmodel`` holding ``metadata.json``, ``sentencepiece.model``
and the CTranslate2 folder ``model/``). There is nothing to convert and no Hugging Face tokenizer, so:

* the model is found by its files (engines/locate.py ``is_native_model``): a folder, an unpacked or zipped
  Argos package (unpacked once into ``$SUMMARIZER_CACHE/argos``), or a hub id whose repository holds
  ``model.bin`` (downloaded with ``snapshot_download``, from the local cache alone when ``HF_HUB_OFFLINE``
  is set or the hub cannot be reached);
* :class:`SentencePieceTokenizer` gives the CTranslate2 engine the slice of a Hugging Face tokenizer it
  uses, over the model's SentencePiece models (one per side, or one shared) and CTranslate2's own
  vocabularies. Inputs go in as SentencePiece pieces; CTranslate2 adds the start and end tokens its
  ``config.json`` asks for (``add_source_bos`` / ``add_source_eos``), and they are counted against the
  input limit. Decoding, beams, confidence scores and checks are the CTranslate2 engine's, unchanged;
* the vocabulary restriction cannot trim a finished ``model.bin`` (engines/vocabulary.py trims at export
  time), so it uses CTranslate2's vocabulary map instead: a ``vmap.txt`` whose always-allowed line lists the
  target pieces of the output language (the same rule, ``piece_allowed``), in a cache folder that links
  the model's files, and ``use_vmap`` on every call. Each step then scores only those pieces (CTranslate2
  may round the set up by a few ids), but every row stays in memory.

The family (engines/family.py ``CT2_NATIVE``) carries the translation role's published decoding.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import IncompleteModel, ModelLoadError
from .ctranslate2_engine import CTranslate2Engine, _check_runs_on_gpu, _torch_threads, cpu_threads
from .export import cache_root, export_cache_dir
from .family import CT2_NATIVE, family_of
from .locate import (
    ARGOS_SUFFIX,
    HUB,
    NATIVE,
    ModelSource,
    hub_reachable,
    in_hub_cache,
    offline,
)
from .vocabulary import RULES, kept_indices

# SentencePiece models, by side: quickmt's pair, then one model for both sides (quickmt's joint model,
# Argos Translate's sentencepiece.model).
SOURCE_SPM, TARGET_SPM = "src.spm.model", "tgt.spm.model"
SHARED_SPM = ("joint.spm.model", "sentencepiece.model", "spm.model")
# CTranslate2's vocabulary files: one shared, or one per side (JSON lists; older exports: one piece a line).
_VOCABULARIES = {"shared": "shared_vocabulary", "source": "source_vocabulary", "target": "target_vocabulary"}
# What a hub snapshot of a native model needs (quickmt's repositories also hold the training framework's
# own checkpoint, eole-model/, which is never read here).
HUB_FILES = ["model.bin", "config.json", "*vocabulary*", "*.spm.model", "sentencepiece.model", "vmap.txt"]
_MAX_PACKAGE_BYTES = 8 * 1024**3  # an Argos package unpacks to a few hundred MB; more is not a package
VMAP = "vmap.txt"


@dataclass(frozen=True)
class NativeFiles:
    """Where a native model's parts are: the CTranslate2 folder and its SentencePiece models."""

    model_dir: Path
    source_spm: Path
    target_spm: Path


# -- finding the model ------------------------------------------------------------------------
def native_source(source: ModelSource, role: str) -> ModelSource:
    """``source`` itself, unless it is a hub id whose repository is a CTranslate2-native model: then its
    snapshot (the files it needs only), downloaded or, offline, read from the Hugging Face cache."""
    if source.kind != HUB or not _hub_is_native(source.name):
        return source
    from huggingface_hub import snapshot_download

    local_only = offline() or not hub_reachable()
    try:
        folder = snapshot_download(source.name, allow_patterns=HUB_FILES, local_files_only=local_only)
    except Exception as exc:  # not (fully) cached offline, or the download failed
        reason = f"its CTranslate2 files could not be {'found in the local cache' if local_only else 'downloaded'} "
        raise ModelLoadError(role, source.name, f"{reason}({type(exc).__name__})", "download-hub") from exc
    return ModelSource(source.name, NATIVE, Path(folder))


def _hub_is_native(name: str) -> bool:
    """Whether the hub repository ``name`` is a CTranslate2 model (``model.bin``, no transformers weights)."""
    from huggingface_hub import try_to_load_from_cache

    if isinstance(try_to_load_from_cache(name, "model.bin"), str):
        return True
    if offline() or in_hub_cache(name) or not hub_reachable():
        return False
    try:
        from huggingface_hub import HfApi

        files = set(HfApi().list_repo_files(name))
    except Exception:  # let the usual path report what is wrong with this id
        return False
    return "model.bin" in files and not files & {"model.safetensors", "pytorch_model.bin"}


def native_files(source: ModelSource, role: str) -> NativeFiles:
    """The CTranslate2 folder and SentencePiece models of ``source`` (a folder, an Argos package or a zip of
    one); raises ``IncompleteModel`` naming what is missing."""
    root = _unpacked(source, role) if source.path.is_file() else source.path  # type: ignore[union-attr]
    _check_direction(root, source, role)
    model_dir = root / "model" if (root / "model").is_dir() else root
    if not (model_dir / "model.bin").is_file():
        raise IncompleteModel(role, source.name, f"the CTranslate2 model {model_dir / 'model.bin'} is missing",
                              "model")
    if not any((model_dir / f"{name}.json").is_file() or (model_dir / f"{name}.txt").is_file()
               for name in _VOCABULARIES.values()):
        raise IncompleteModel(role, source.name, f"the folder {model_dir} has no CTranslate2 vocabulary "
                              "(shared_vocabulary.json, or source_ and target_vocabulary.json)", "model")
    shared = next((d / n for n in SHARED_SPM for d in (model_dir, root) if (d / n).is_file()), None)
    pair = [model_dir / SOURCE_SPM, model_dir / TARGET_SPM]
    if all(p.is_file() for p in pair):
        return NativeFiles(model_dir, *pair)
    if shared is not None:
        return NativeFiles(model_dir, shared, shared)
    missing = " and ".join(p.name for p in pair if not p.is_file())
    raise IncompleteModel(role, source.name, f"the folder {model_dir} has no SentencePiece model ({missing}, or "
                          f"one shared {' / '.join(SHARED_SPM)})", "sentencepiece")


def _check_direction(root: Path, source: ModelSource, role: str) -> None:
    """An Argos package says its languages (metadata.json): only Arabic to English is this project's."""
    path = root / "metadata.json"
    if not path.is_file():
        return
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IncompleteModel(role, source.name, f"its metadata.json cannot be read ({type(exc).__name__})",
                              "package") from exc
    direction = (meta.get("from_code"), meta.get("to_code")) if isinstance(meta, dict) else (None, None)
    if None not in direction and direction != ("ar", "en"):
        raise ModelLoadError(role, source.name, f"the package translates {direction[0]} to {direction[1]}, not "
                             "Arabic to English", "check-native")


def _unpacked(source: ModelSource, role: str) -> Path:
    """The folder of an Argos package ``*.argosmodel`` (a zip), unpacked once into the cache.

    The cache folder's name carries a fingerprint of the file (path, size, time), so a changed package is
    unpacked again; it is written beside its place and renamed, so an interrupted unpacking never passes
    for a finished one.
    """
    package = source.path.resolve()  # type: ignore[union-attr]
    stat = package.stat()
    digest = hashlib.sha256(f"{package}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    out = cache_root() / "argos" / f"{package.stem}-{digest}"
    if not out.is_dir():
        _unzip(package, out, source, role)
    roots = sorted(p.parent for p in out.rglob("metadata.json")) or sorted(p.parent.parent for p in
                                                                            out.rglob("model/model.bin"))
    return roots[0] if roots else out


def _unzip(package: Path, out: Path, source: ModelSource, role: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        with zipfile.ZipFile(package) as archive:
            if sum(info.file_size for info in archive.infolist()) > _MAX_PACKAGE_BYTES:
                raise IncompleteModel(role, source.name, f"{package.name} unpacks to more than "
                                      f"{_MAX_PACKAGE_BYTES // 1024**3} GB", "package")
            archive.extractall(staging)  # member names with .. or a leading / stay inside staging
        os.replace(staging, out)
    except (OSError, zipfile.BadZipFile) as exc:
        if out.is_dir():  # another process unpacked it first
            return
        raise IncompleteModel(role, source.name, f"{package.name} is not a readable {ARGOS_SUFFIX} package "
                              f"({type(exc).__name__})", "package") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# -- the tokenizer ----------------------------------------------------------------------------
def read_vocabularies(model_dir: Path) -> tuple[list[str], list[str]]:
    """CTranslate2's source and target vocabularies (the ids its model uses), in order."""
    found = {side: _read_vocabulary(model_dir, name) for side, name in _VOCABULARIES.items()}
    shared = found["shared"]
    source, target = found["source"] or shared, found["target"] or shared
    if source is None or target is None:
        raise FileNotFoundError(f"the folder {model_dir} has no CTranslate2 vocabulary")
    return source, target


def _read_vocabulary(model_dir: Path, name: str) -> list[str] | None:
    json_path, text_path = model_dir / f"{name}.json", model_dir / f"{name}.txt"
    if json_path.is_file():
        return [str(token) for token in json.loads(json_path.read_text(encoding="utf-8"))]
    if text_path.is_file():
        return text_path.read_text(encoding="utf-8").splitlines()
    return None


class SentencePieceTokenizer:
    """The part of a Hugging Face tokenizer's interface the CTranslate2 engine uses, over SentencePiece.

    Ids are CTranslate2's: the encoding side (``__call__``, ``convert_ids_to_tokens``) uses the source
    vocabulary, the decoding side (``convert_tokens_to_ids``, ``decode``, ``get_vocab``) the target one,
    which is what a one-direction translator needs. ``added`` is how many tokens CTranslate2 adds to
    every input itself (its config's ``add_source_bos`` / ``add_source_eos``).
    """

    def __init__(self, files: NativeFiles, config: dict):
        import sentencepiece

        self.source_model = sentencepiece.SentencePieceProcessor(model_file=str(files.source_spm))
        self.target_model = (self.source_model if files.target_spm == files.source_spm
                             else sentencepiece.SentencePieceProcessor(model_file=str(files.target_spm)))
        self.source_vocabulary, self.target_vocabulary = read_vocabularies(files.model_dir)
        self._source_ids = {token: i for i, token in enumerate(self.source_vocabulary)}
        self._target_ids = {token: i for i, token in enumerate(self.target_vocabulary)}
        self.unk_token = str(config.get("unk_token") or "<unk>")
        self.eos_token, self.pad_token = str(config.get("eos_token") or "</s>"), "<blank>"
        self.all_special_tokens = sorted(
            {str(config.get(key)) for key in ("unk_token", "bos_token", "eos_token", "decoder_start_token")
             if config.get(key)} | {"<blank>", "<pad>"})
        self.added = int(bool(config.get("add_source_bos"))) + int(bool(config.get("add_source_eos")))

    def __call__(self, texts: list[str], truncation: bool = False, max_length: int | None = None, **_ignored):
        """``{"input_ids": ...}``: each text's source pieces as CTranslate2's source ids, cut to ``max_length``
        less the tokens CTranslate2 adds (``truncation``)."""
        unk = self._source_ids.get(self.unk_token, 0)
        encoded = [[self._source_ids.get(piece, unk) for piece in pieces]
                   for pieces in self.source_model.encode(list(texts), out_type=str)]
        if truncation and max_length is not None:
            keep = max(max_length - self.added, 1)
            encoded = [ids[:keep] for ids in encoded]
        return {"input_ids": encoded}

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self.source_vocabulary[i] for i in ids]

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        unk = self._target_ids.get(self.unk_token, 0)
        return [self._target_ids.get(token, unk) for token in tokens]

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        specials = set(self.all_special_tokens) if skip_special_tokens else set()
        pieces = [self.target_vocabulary[i] for i in ids if self.target_vocabulary[i] not in specials]
        return self.target_model.decode(pieces)

    def get_vocab(self) -> dict[str, int]:
        return dict(self._target_ids)

    def get_added_vocab(self) -> dict[str, int]:
        return {}


# -- the vocabulary restriction ------------------------------------------------------------------
def vmap_folder(source: ModelSource, files: NativeFiles, tokenizer: SentencePieceTokenizer,
                language: str) -> tuple[Path, dict]:
    """A cache folder that links the model's files and adds a ``vmap.txt`` allowing only ``language``'s
    target pieces (and the special tokens); the restriction's record for ``result.models``."""
    target = tokenizer.target_vocabulary
    keep = [i for i in kept_indices(target, language, tokenizer.all_special_tokens) if not any(
        ch.isspace() for ch in target[i])]  # a vmap line is split on spaces
    info = {"language": language, "kept": len(keep), "full": len(target), "rule": RULES[language],
            "method": "vmap"}
    fingerprint = ModelSource(str(files.model_dir), NATIVE, files.model_dir)  # model.bin's size and time
    out = export_cache_dir(fingerprint, "vmap", language)
    if (out / VMAP).is_file():
        return out, info
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for file in files.model_dir.iterdir():
            if file.is_file() and file.name != VMAP:
                _link(file.resolve(), staging / file.name)
        (staging / VMAP).write_text("\t" + " ".join(target[i] for i in keep) + "\n", encoding="utf-8")
        try:
            os.replace(staging, out)
        except OSError:
            if not (out / VMAP).is_file():  # another process finished it first, else a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out, info


def _link(file: Path, link: Path) -> None:
    try:
        link.symlink_to(file)
    except OSError:  # no symbolic links here: copy instead
        shutil.copy2(file, link)


class _WithVmap:
    """A CTranslate2 ``Translator`` whose every ``translate_batch`` uses the folder's vocabulary map."""

    def __init__(self, translator):
        self._translator = translator

    def translate_batch(self, *args, **kwargs):
        return self._translator.translate_batch(*args, use_vmap=True, **kwargs)

    def __getattr__(self, name):
        return getattr(self._translator, name)


# -- the engine -------------------------------------------------------------------------------
class NativeEngine(CTranslate2Engine):
    """The CTranslate2 engine over a native model: the same decoding, scores and batching, with the
    model's SentencePiece models for its text."""

    @classmethod
    def open(cls, source: ModelSource, *, role: str, device: str = "cpu", quantization: str | None = None,
             restriction: str | None = None, share_cores: bool = True, threads: int | None = None,
             workers: int = 1) -> NativeEngine:
        """Load the native model ``source`` (``restriction``: the output language its decoder is limited to,
        through a vocabulary map; ``None``: the whole vocabulary; the threads and ``workers`` as
        ``CTranslate2Engine.load`` takes them). Raises ``IncompleteModel`` when a part is missing."""
        import ctranslate2

        files = native_files(source, role)
        config = json.loads((files.model_dir / "config.json").read_text(encoding="utf-8")) \
            if (files.model_dir / "config.json").is_file() else {}
        tokenizer = SentencePieceTokenizer(files, config)
        folder, info = (vmap_folder(source, files, tokenizer, restriction) if restriction
                        else (files.model_dir, None))
        shares_cores, intra_threads = cpu_threads(device, share_cores, threads, workers)
        torch_threads = _torch_threads()
        translator = ctranslate2.Translator(
            str(folder), device=device, compute_type=quantization or "default", inter_threads=workers,
            intra_threads=intra_threads)
        if torch_threads is not None:  # see CTranslate2Engine.load
            import torch

            torch.set_num_threads(torch_threads)
        if device == "cuda":
            _check_runs_on_gpu(translator, tokenizer)
        engine = cls(_WithVmap(translator) if info else translator, tokenizer, source.name, folder=folder,
                     max_input_tokens=CT2_NATIVE.max_input_tokens,
                     family=family_of(CT2_NATIVE.model_types[0], tokenizer), source_model=source.name)
        engine.vocab_restriction = info
        engine.shares_cores = shares_cores
        engine.workers = workers
        return engine

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Input tokens with the ones CTranslate2 adds itself (its config's start and end tokens)."""
        return [count + self.tokenizer.added for count in super().count_tokens(texts)]
