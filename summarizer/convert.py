"""Exporting a Hugging Face seq2seq model (MarianMT, MT5) to a self-contained CTranslate2 folder.

The folder holds ``model.bin`` and CTranslate2's vocabulary, plus everything the
CTranslate2 engine needs to tokenize and to decode like the transformers engine: the
tokenizer files, ``generation_config.json`` (forced EOS, bad words) and
``summarizer_export.json`` (where it came from, how it was quantized, the input limit).
So an exported folder can be copied to another machine and used without the original.

Written with transformers 5 in mind: its MT5 config always says ``tie_word_embeddings=True``
(even when the checkpoint's config.json says false) while its MT5 forward never rescales the
decoder output, and CTranslate2's T5 loader takes that flag to mean "scale the logits by
d_model**-0.5". ``_make_converter`` measures what the loaded model really does and tells the loader.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import ModelLoadError, SummarizerError

EXPORT_INFO = "summarizer_export.json"
# The quantizations the CLI offers; ``convert_model`` accepts every one CTranslate2 knows.
CLI_QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "float16", "bfloat16", "float32")
QUANTIZATIONS = (*CLI_QUANTIZATIONS, "int8_bfloat16", "int16")
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
_T5_FAMILY = ("t5", "mt5", "umt5")
_PROBE_TEXT = "قال الوزير إن المحادثات ستستأنف. The talks will resume."


class ConversionError(SummarizerError):
    """The export could not be written (output folder in the way, unsupported model...)."""


def convert_model(model: str, out_dir: str | Path, quantization: str = "int8", force: bool = False) -> Path:
    """Export ``model`` (hub id or Hugging Face folder) to the CTranslate2 folder ``out_dir``.

    The folder is written beside its final place and renamed into it at the end, so a
    crash or a concurrent conversion never leaves a half-written folder that a later
    run would mistake for a finished one.

    Raises ``ModelLoadError`` when the model cannot be found or loaded and
    ``ConversionError`` when the export itself fails.
    """
    from .models import _check_loadable, looks_like_path

    if quantization not in QUANTIZATIONS:
        raise ConversionError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    out = Path(out_dir).expanduser()
    try:
        _check_loadable("source", model)
    except ModelLoadError as exc:
        raise ModelLoadError("source", model, exc.reason, _CONVERT_ADVICE) from None
    source_model = str(Path(model).expanduser().resolve()) if looks_like_path(model) else model
    source = source_model if looks_like_path(model) else _hub_source(model)
    if out.exists() and not force:
        raise ConversionError(f"the output folder {out} already exists; pass --force to replace it")
    if looks_like_path(model) and (Path(source) / "model.bin").is_file():
        raise ConversionError(f"{source} is already a CTranslate2 export (it has model.bin); nothing to convert")
    if looks_like_path(model) and Path(source).is_relative_to(out.resolve()):
        raise ConversionError(f"the output folder {out} holds the model being converted; choose another one")

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        converter = _make_converter(source)
        try:
            converter.convert(str(staging), quantization=quantization, force=True)
        except (OSError, ValueError, KeyError, RuntimeError, NotImplementedError) as exc:
            raise ModelLoadError("source", model, _first_line(exc), _CONVERT_ADVICE) from exc
        _write_tokenizer(converter, source, staging)
        _write_export_info(converter, source_model, quantization, staging)
        _replace(staging, out, force=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _hub_source(model: str) -> str:
    """What to load a hub id from: the id itself online, its cached snapshot folder offline.

    Offline, transformers would otherwise retry the dead network for every file it looks
    for (minutes); the snapshot folder is what it would end up reading anyway.
    """
    from .models import _hub_reachable, offline

    if not offline() and _hub_reachable():
        return model
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(model, local_files_only=True)
    except Exception:  # not fully cached: let transformers try, and report what it says
        return model


_CONVERT_ADVICE = (
    "Pass a folder in Hugging Face format (config.json, weights and tokenizer files), or a hub id "
    "that is in the local Hugging Face cache (HF_HOME) or reachable online."
)


def _make_converter(source: str):
    """A ``TransformersConverter`` that keeps the tokenizer and fixes T5-family output scaling.

    The subclass is built on call so that importing this module (the CLI does, to register
    the command) does not import ctranslate2 and torch.
    """
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        tokenizer = None
        hf_config = None

        def load_model(self, model_class, model_name_or_path, **kwargs):
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            self.hf_config = model.config
            if model.config.model_type in _T5_FAMILY:
                # The T5 loader scales the logits iff tie_word_embeddings: make the flag say
                # what the installed transformers computes (see the module docstring).
                model.config.tie_word_embeddings = _scales_decoder_output(model)
            return model

        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return self.tokenizer

    return Converter(source)


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


def _write_tokenizer(converter, source: str, out: Path) -> None:
    """Make ``out`` tokenize exactly like ``source``.

    The tokenizer is saved by the installed transformers (so tokenizer_config.json names
    its class: CTranslate2's config.json cannot tell AutoTokenizer the model type), the
    source's own files fill in what that save did not write, and the result is checked.
    """
    from transformers import AutoTokenizer, GenerationConfig

    tokenizer = converter.tokenizer
    if tokenizer is None:  # pragma: no cover - the converter always loads it
        raise ConversionError(f"the converter did not load a tokenizer for {source}")
    tokenizer.save_pretrained(str(out))
    if Path(source).is_dir():
        for name in TOKENIZER_FILES:
            if (Path(source) / name).is_file() and not (out / name).exists():
                shutil.copy2(Path(source) / name, out / name)
    if not (out / "generation_config.json").exists():
        # No generation_config.json anywhere: the model config's defaults are all there is.
        with contextlib.suppress(OSError):
            GenerationConfig.from_pretrained(source).save_pretrained(str(out))
    reloaded = AutoTokenizer.from_pretrained(str(out))
    if reloaded(_PROBE_TEXT)["input_ids"] != tokenizer(_PROBE_TEXT)["input_ids"]:
        raise ConversionError(f"the tokenizer saved in {out} does not tokenize like the one of {source}")


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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def add_convert_command(subparsers) -> argparse.ArgumentParser:
    """Register ``convert MODEL OUTDIR [--quantization Q] [--force]`` on an argparse subparsers object."""
    parser = subparsers.add_parser(
        "convert",
        help="export a Hugging Face model to a CTranslate2 folder (faster CPU inference)",
        description=(
            "Export a MarianMT or MT5 model (hub id or Hugging Face folder) to a self-contained "
            "CTranslate2 folder, usable with --summary-model/--translation-model."
        ),
    )
    parser.add_argument("model", metavar="MODEL", help="hub id or folder in Hugging Face format")
    parser.add_argument("outdir", metavar="OUTDIR", help="folder to write (must not exist unless --force)")
    parser.add_argument(
        "--quantization", choices=CLI_QUANTIZATIONS, default="int8",
        help="weight type of the export (default: int8, the fastest on CPU)",
    )
    parser.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    parser.set_defaults(func=run_convert_command)
    return parser


def run_convert_command(args: argparse.Namespace) -> int:
    """CLI handler: 0 on success (prints the folder), 2 with one line on stderr otherwise."""
    try:
        out = convert_model(args.model, args.outdir, quantization=args.quantization, force=args.force)
    except SummarizerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the CLI promises one line, never a traceback
        print(f"error: converting {args.model!r} failed: {_first_line(exc)}", file=sys.stderr)
        return 2
    print(out)
    return 0
