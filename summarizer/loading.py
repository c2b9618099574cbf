"""Building the pipeline's stages from model names: the one factory, one policy for both roles.

``load_stages`` loads the summary and the translation model through ``engines.loader`` and wraps
them in their stages. A role whose model cannot be loaded comes back as ``None`` with its
``ModelLoadError`` kept in ``errors[role]``: never raised here, never turned into a string. What a
missing role means is the caller's choice (``Pipeline`` falls back to the extractive summary and
refuses to run without a translation it was asked for; the app runs with whatever loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import (
    BATCH_LIMITS,
    DEFAULT_SUMMARY_METHOD,
    DEFAULT_VOCAB_RESTRICTION,
    DEVICES,
    ENGINES,
    VOCAB_RESTRICTIONS,
    check_choice,
    translation_model_id,
)
from .engines.base import SUMMARY_DECODING, TRANSLATION_DECODING, DecodeSettings
from .engines.export import cached_export
from .engines.loader import load_engine, resolve_engine
from .engines.locate import ModelSource
from .errors import ModelLoadError
from .stages.abstractive import AbstractiveSummarizer
from .stages.methods import get_method
from .stages.translate import Translator


@dataclass
class LoadedStages:
    """The model-backed stages that could be built, and why the others could not."""

    summarizer: AbstractiveSummarizer | None = None
    translator: Translator | None = None
    errors: dict[str, ModelLoadError] = field(default_factory=dict)  # by role: "summary", "translation"

    @property
    def notes(self) -> list[str]:
        """Why an engine other than the expected one runs a model (engine="auto" on an unusable GPU)."""
        engines = (self.summarizer and self.summarizer.engine, self.translator and self.translator.engine)
        return [note for note in (getattr(e, "load_note", None) for e in engines) if note]


def load_stages(
    summary_model: str | None,
    translation_model: str | None,
    *,
    summary_method: str = DEFAULT_SUMMARY_METHOD,
    engine: str = "auto",
    device: str = "cpu",
    quantization: str | None = None,
    vocab_restriction: str = DEFAULT_VOCAB_RESTRICTION,
    summary_decoding: DecodeSettings = SUMMARY_DECODING,
    translation_decoding: DecodeSettings = TRANSLATION_DECODING,
    summary_batch_size: int | None = None,
    translation_batch_size: int | None = None,
    beside_summary: bool = False,
) -> LoadedStages:
    """Load what is asked for: the summary model only for a method that needs it (``summarizer.stages.methods``).

    When both models are loaded (or ``beside_summary``: a translation model for a pipeline that
    already has its summary model), CTranslate2 models on the CPU get half the cores each, and the
    pipeline runs the summary beside the translation; a model loaded alone gets all the cores.

    Batch sizes default by device (``options.BATCH_LIMITS``: small fixed batches on the CPU, batches
    cut by tokens on a GPU); a size given here is kept, with the device's token limit.

    ``translation_model``: a named choice (``options.TRANSLATION_MODELS``: fast, best, nllb-600m), a hub
    id or a folder. Options outside their choices raise ``OptionError`` (a user's mistake, not a model's
    absence).
    """
    needs_model = get_method(summary_method).needs_model
    check_choice("engine", engine, ENGINES)
    check_choice("device", device, DEVICES)
    check_choice("vocab_restriction", vocab_restriction, VOCAB_RESTRICTIONS)
    if translation_model:
        translation_model = translation_model_id(translation_model)
    both = bool(translation_model) and (beside_summary or bool(summary_model and needs_model))
    load = {"engine": engine, "device": device, "quantization": quantization, "vocab_restriction": vocab_restriction,
            "share_cores": both}
    (summary_size, summary_tokens), (translation_size, translation_tokens) = (
        BATCH_LIMITS[device]["summary"], BATCH_LIMITS[device]["translation"])
    stages = LoadedStages()
    roles = (("summary", summary_model if needs_model else None, AbstractiveSummarizer, summary_decoding,
              summary_batch_size or summary_size, summary_tokens),
             ("translation", translation_model, Translator, translation_decoding,
              translation_batch_size or translation_size, translation_tokens))
    for role, model, stage, decoding, batch_size, batch_tokens in roles:
        if not model:
            continue
        try:
            built = stage(load_engine(model, role=role, **load), decoding=decoding, batch_size=batch_size,
                          max_batch_tokens=batch_tokens)
        except ModelLoadError as exc:
            stages.errors[role] = exc
            continue
        if role == "summary":
            stages.summarizer = built
        else:
            stages.translator = built
    return stages


def why_not_loadable(model: str, *, role: str, engine: str = "auto", quantization: str | None = None
                     ) -> ModelLoadError | None:
    """Why ``model`` cannot be loaded here and now (``None``: it can), without loading it: a cached
    CTranslate2 export, a local folder, the Hugging Face cache, or the hub online (seconds at most)."""
    source = ModelSource.resolve(translation_model_id(model) if role == "translation" else model)
    if resolve_engine(source, engine) == "ctranslate2" and cached_export(source, quantization) is not None:
        return None
    try:
        source.check(role)
    except ModelLoadError as exc:
        return exc
    return None
