"""Exporting a Hugging Face seq2seq model (MarianMT, NLLB/M2M100, MT5) to a self-contained CTranslate2 folder,
and the cache of such exports.

The folder holds ``model.bin`` and CTranslate2's vocabulary, plus everything the
CTranslate2 engine needs to tokenize and to decode like the transformers engine: the
tokenizer files, ``generation_config.json`` (forced EOS, bad words) and
``summarizer_export.json`` (where it came from, how it was quantized, the input limit).
So an exported folder can be copied to another machine and used without the original.

Written with transformers 5 in mind: its MT5 config always says ``tie_word_embeddings=True``
(even when the checkpoint's config.json says false) while its MT5 forward never rescales the
decoder output, and CTranslate2's T5 loader takes that flag to mean "scale the logits by
d_model**-0.5". ``_make_converter`` measures what the loaded model really does and tells the loader.

Below the loader, above the sources: it never loads an engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..choices import DEFAULT_EXPORT_QUANTIZATION, QUANTIZATIONS, VOCAB_LANGUAGES
from ..errors import ConversionError, ModelLoadError, SummarizerError
from .family import is_t5_type
from .locate import ModelSource, is_ctranslate2_folder

EXPORT_INFO = "summarizer_export.json"
# Files copied from a local Hugging Face folder when present (never config.json: CTranslate2
# writes its own). The tokenizer is also re-saved by the installed transformers, see below.
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "spiece.model",
    "sentencepiece.bpe.model",
    "source.spm",
    "target.spm",
    "vocab.json",
    "generation_config.json",
)
_PROBE_TEXT = "قال الوزير إن المحادثات ستستأنف. The talks will resume."
_STAGING_SUFFIX = ".tmp"
_CONVERT_ADVICE = (
    "Pass a folder in Hugging Face format (config.json, weights and tokenizer files), or a hub id "
    "that is in the local Hugging Face cache (HF_HOME) or reachable online."
)

log = logging.getLogger(__name__)


# -- the cache -----------------------------------------------------------------------------
def cache_root() -> Path:
    """``$SUMMARIZER_CACHE`` (default ``~/.cache/arabic-news-summarizer``)."""
    return Path(os.environ.get("SUMMARIZER_CACHE") or "~/.cache/arabic-news-summarizer").expanduser()


def export_weight_type(quantization: str | None) -> str:
    """The weight type an automatic export is written with (int8 unless a weight type is asked for)."""
    return quantization if quantization in QUANTIZATIONS else DEFAULT_EXPORT_QUANTIZATION


def export_cache_dir(model: str | ModelSource, quantization: str, restriction: str | None = None) -> Path:
    """Where ``model`` converted with ``quantization`` is cached (``restriction``: the output language
    its target vocabulary is trimmed to, see engines/vocabulary.py; ``None``: the whole vocabulary).

    ``$SUMMARIZER_CACHE/ct2/...``. Local folders get a fingerprint of their path and weight files
    in the name, so two folders with the same name, or a folder whose weights changed, never
    share a stale export.
    """
    suffix = f"-vocab-{restriction}" if restriction else ""
    return cache_root() / "ct2" / f"{_safe_name(ModelSource.resolve(model))}-{quantization}{suffix}"


def _safe_name(source: ModelSource) -> str:
    if source.path is None:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", source.name.replace("/", "--")).strip("-")
    path = source.path.resolve()
    digest = hashlib.sha256(str(path).encode())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", path.name).strip("-") or "model"
    return f"{name}-{digest.hexdigest()[:12]}"


def cached_export(model: str | ModelSource, quantization: str | None, restriction: str | None = None) -> Path | None:
    """The finished cached conversion of ``model``, if there is one (usable offline)."""
    cached = export_cache_dir(model, export_weight_type(quantization), restriction)
    if is_ctranslate2_folder(cached) and (cached / EXPORT_INFO).is_file():
        return cached  # written last, under a temporary name, then renamed: complete
    return None


def ensure_export(
    model: str | ModelSource, quantization: str | None, role: str = "source", restriction: str | None = None
) -> Path:
    """The CTranslate2 folder to load: ``model`` itself when it is one (used as it was exported), else
    its cached conversion (made now, once, when missing; ``restriction``: see :func:`export_cache_dir`)."""
    source = ModelSource.resolve(model)
    if source.is_exported:
        return source.path  # type: ignore[return-value]
    found = cached_export(source, quantization, restriction)
    if found is not None:
        return found
    weight_type = export_weight_type(quantization)
    cached = export_cache_dir(source, weight_type, restriction)
    log.info("Converting %s to CTranslate2 (%s), once: %s", source.name, weight_type, cached)
    convert = {"quantization": weight_type, "force": True, "role": role, "vocab_restriction": restriction}
    try:
        return convert_model(source, cached, **convert)
    except PermissionError:
        # A read-only cache (shared image): convert for this process only.
        scratch = Path(tempfile.mkdtemp(prefix="summarizer-ct2-")) / cached.name
        return convert_model(source, scratch, **convert)


def remove_stale_staging(folder: Path) -> list[Path]:
    """Remove the staging folders that conversions killed mid-way left in ``folder``.

    A staging folder's name carries the pid of the process writing it; one whose process is
    gone can never be finished (about 600 MB each for the real mT5).
    """
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(f".*{_STAGING_SUFFIX}"):
        match = re.search(r"\.pid(\d+)\.", path.name)
        if path.is_dir() and match and not _process_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


# -- conversion ----------------------------------------------------------------------------
def convert_model(
    model: str | ModelSource,
    out_dir: str | Path,
    quantization: str = DEFAULT_EXPORT_QUANTIZATION,
    force: bool = False,
    *,
    role: str = "source",
    vocab_restriction: str | None = None,
) -> Path:
    """Export ``model`` (hub id or Hugging Face folder) to the CTranslate2 folder ``out_dir``.

    ``vocab_restriction`` ("ar" or "en"): trim the target vocabulary to that output language's pieces
    (engines/vocabulary.py); ``None`` keeps the whole vocabulary.

    The folder is written beside its final place and renamed into it at the end, so a
    crash or a concurrent conversion never leaves a half-written folder that a later
    run would mistake for a finished one (and the next conversion there removes what a
    killed one left).

    Raises ``ModelLoadError`` when the model cannot be found or loaded and
    ``ConversionError`` when the export itself fails.
    """
    source = ModelSource.resolve(model)
    if quantization not in QUANTIZATIONS:
        raise ConversionError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    if vocab_restriction is not None and vocab_restriction not in VOCAB_LANGUAGES:
        raise ConversionError(f"unknown vocabulary restriction {vocab_restriction!r}; choose one of "
                              f"{', '.join(VOCAB_LANGUAGES)}")
    out = Path(out_dir).expanduser()
    try:
        source.check(role)
    except ModelLoadError as exc:
        raise ModelLoadError(role, source.name, exc.reason, _CONVERT_ADVICE) from None
    location = source.hub_snapshot()
    if out.exists() and not force:
        raise ConversionError(f"the output folder {out} already exists; pass --force to replace it")
    if source.is_exported:
        raise ConversionError(f"{location} is already a CTranslate2 export (it has model.bin); nothing to convert")
    if source.is_local and Path(location).is_relative_to(out.resolve()):
        raise ConversionError(f"the output folder {out} holds the model being converted; choose another one")

    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.pid{os.getpid()}.", suffix=_STAGING_SUFFIX,
                                    dir=out.parent))
    try:
        try:
            converter = _make_converter(location, vocab_restriction)
            converter.convert(str(staging), quantization=quantization, force=True)
            _write_tokenizer(converter, location, staging)
        except SummarizerError:
            raise
        except Exception as exc:  # a damaged model makes the converter raise anything (TypeError, SafetensorError)
            raise ModelLoadError(role, source.name, first_line(exc), _CONVERT_ADVICE) from exc
        _write_export_info(converter, location if source.is_local else source.name, quantization, staging)
        _record_restriction(staging, converter.vocab_restriction)
        _replace(staging, out, force=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _make_converter(location: str, vocab_restriction: str | None = None):
    """A ``TransformersConverter`` that keeps the tokenizer and fixes T5-family output scaling
    (and trims the target vocabulary to ``vocab_restriction``'s pieces, when given).

    The subclass is built on call so that importing this module does not import ctranslate2 and torch.
    """
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        tokenizer = None
        hf_config = None
        vocab_restriction = None  # what trimming kept (summarizer_export.json)

        def _load(self):
            spec = super()._load()
            if vocab_restriction is not None and spec is not None:
                self.vocab_restriction = _trim_vocabulary(spec, self.tokenizer, vocab_restriction)
            return spec

        def load_model(self, model_class, model_name_or_path, **kwargs):
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            self.hf_config = model.config
            if is_t5_type(model.config.model_type):
                # The T5 loader scales the logits iff tie_word_embeddings: make the flag say
                # what the installed transformers computes (see the module docstring).
                model.config.tie_word_embeddings = _scales_decoder_output(model)
            return model

        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return self.tokenizer

    return Converter(location)


def _trim_vocabulary(spec, tokenizer, language: str) -> dict:
    from .vocabulary import special_tokens, trim_target_vocabulary

    if not hasattr(spec, "decoder") or not hasattr(spec, "_vocabularies"):
        raise ConversionError(f"vocabulary restriction needs an encoder-decoder model, not {type(spec).__name__}")
    return trim_target_vocabulary(spec, language, special_tokens(tokenizer, spec))


def _record_restriction(out: Path, restriction: dict | None) -> None:
    """Add the vocabulary restriction (or ``null``) to ``summarizer_export.json``."""
    path = out / EXPORT_INFO
    info = json.loads(path.read_text(encoding="utf-8"))
    info["vocab_restriction"] = restriction
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def _scales_decoder_output(model) -> bool:
    """Whether ``model`` multiplies the decoder output by d_model**-0.5 before ``lm_head``.

    Measured on a one-token forward pass rather than read from the config, because the
    config flag and the modelling code disagree from one transformers version to the next.
    """
    import torch

    config = model.config
    with torch.no_grad():
        input_ids = torch.tensor([[config.eos_token_id]])
        start = torch.tensor([[config.decoder_start_token_id]])
        logits = model(input_ids=input_ids, decoder_input_ids=start).logits
        encoded = model.get_encoder()(input_ids=input_ids).last_hidden_state
        hidden = model.get_decoder()(input_ids=start, encoder_hidden_states=encoded).last_hidden_state
        plain_error = (logits - model.lm_head(hidden)).abs().max().item()
        scaled_error = (logits - model.lm_head(hidden * config.d_model**-0.5)).abs().max().item()
    # The two candidates differ by a factor of sqrt(d_model): the right one is far closer
    # (relative test, so that float16 checkpoints are judged as well as float32 ones).
    if plain_error <= 0.01 * scaled_error:
        return False
    if scaled_error <= 0.01 * plain_error:
        return True
    raise ConversionError(
        f"cannot tell how this transformers version computes {type(model).__name__} logits; "
        "the CTranslate2 export would not match it"
    )


def _write_tokenizer(converter, location: str, out: Path) -> None:
    """Make ``out`` tokenize exactly like ``location``.

    The tokenizer is saved by the installed transformers (so tokenizer_config.json names
    its class: CTranslate2's config.json cannot tell AutoTokenizer the model type), the
    source's own files fill in what that save did not write, and the result is checked.
    """
    from transformers import AutoTokenizer, GenerationConfig

    tokenizer = converter.tokenizer
    if tokenizer is None:  # pragma: no cover - the converter always loads it
        raise ConversionError(f"the converter did not load a tokenizer for {location}")
    tokenizer.save_pretrained(str(out))
    if Path(location).is_dir():
        for name in TOKENIZER_FILES:
            if (Path(location) / name).is_file() and not (out / name).exists():
                shutil.copy2(Path(location) / name, out / name)
    if not (out / "generation_config.json").exists():
        # No generation_config.json anywhere: the model config's defaults are all there is.
        with contextlib.suppress(OSError):
            GenerationConfig.from_pretrained(location).save_pretrained(str(out))
    reloaded = AutoTokenizer.from_pretrained(str(out), fix_mistral_regex=False)  # see ctranslate2_engine.load_tokenizer
    if reloaded(_PROBE_TEXT)["input_ids"] != tokenizer(_PROBE_TEXT)["input_ids"]:
        raise ConversionError(f"the tokenizer saved in {out} does not tokenize like the one of {location}")


def _write_export_info(converter, source_model: str, quantization: str, out: Path) -> None:
    """Record provenance and the few model facts the engine needs once the HF config is gone."""
    import ctranslate2
    import transformers

    config = converter.hf_config
    info = {
        "source_model": source_model,
        "quantization": quantization,
        "ctranslate2_version": ctranslate2.__version__,
        "transformers_version": transformers.__version__,
        "model_type": getattr(config, "model_type", None),
        "max_position_embeddings": getattr(config, "max_position_embeddings", None),
    }
    (out / EXPORT_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def _replace(staging: Path, out: Path, *, force: bool) -> None:
    """Move the finished export into place (the old one goes only when ``force``)."""
    if out.exists():
        if not force:
            raise ConversionError(f"the output folder {out} appeared during the conversion; pass --force")
        if out.is_dir():
            shutil.rmtree(out)
        else:
            out.unlink()
    os.replace(staging, out)


def read_export_info(folder: str | Path) -> dict:
    """The ``summarizer_export.json`` of an export, or ``{}`` for folders exported by other tools."""
    path = Path(folder) / EXPORT_INFO
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def first_line(exc: BaseException) -> str:
    """``Type: first line of the message``: enough to act on, never a traceback."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__
