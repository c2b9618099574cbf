"""The CTranslate2 engine: the same models, tokenizers and decoding settings, a faster runtime.

Inputs are tokenized with the model's own Hugging Face tokenizer (saved in the export), sent
to CTranslate2 as token strings (special tokens included: MarianMT and MT5 both end the
source with ``</s>``, which CTranslate2 does not add itself), and the output tokens are
decoded by the same tokenizer. In float32, greedy outputs equal the transformers engine's.

What the transformers engine takes from ``generation_config.json`` is mirrored here:

* ``forced_eos_token_id`` (MarianMT): transformers spends the last of ``max_new_tokens`` on
  a forced EOS, so CTranslate2 gets one token less (it drops EOS from its outputs).
* ``bad_words_ids``: sent as ``suppress_sequences``. MarianMT's ``[[pad]]`` needs nothing:
  the converter removes ``<pad>`` from the vocabulary (the decoder starts from a zero
  embedding instead), so it cannot be emitted. Words outside CTranslate2's vocabulary are
  dropped rather than sent, because CTranslate2 would map them to ``<unk>`` and ban that.
* ``repetition_penalty`` when set. Other generation options are not mirrored (none is set
  by the supported models).

The decoder start token comes from the export's config.json: ``<pad>`` for MT5 (the
model's ``decoder_start_token_id``), a zero embedding for MarianMT, ``</s>`` for NLLB. Only NLLB
gets a target prefix: its target language code (engines/family.py; the family is what the export
recorded of the model's config), which CTranslate2 returns at the head of each hypothesis and
``decode_ids`` removes.

Scores: ``return_scores`` gives the sum of the hypothesis' token log-probabilities (the forced
prefix counts 0, the end token counts) divided by ``length ** length_penalty``, where the length
counts the prefix and the end token; ``_hypothesis`` undoes that normalisation and averages over
the tokens the model chose, as the transformers engine does.

Beam search is not always token-for-token the transformers one: CTranslate2 stops once
``num_beams`` hypotheses are finished (transformers' ``early_stopping=True``; its default
heuristic may search on for a longer, better-scored hypothesis), and it bans repeated n-grams
before its softmax, where transformers bans them after (so beam scores differ whenever
``no_repeat_ngram_size`` bans something). After a target prefix (NLLB) it also keeps the end
token out of all but the best beam at the first free step, which transformers does not. Greedy
decoding is unaffected by any of these.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import GpuUnusable
from .base import DecodeSettings, Hypothesis, NBest
from .export import read_export_info
from .family import DEFAULT_MAX_INPUT_TOKENS, Family, family_of
from .memory import drop_construction_data, release_free_memory
from .tokenized import TokenizedEngine
from .vocabulary import check_loaded

_VOCABULARY_FILES = (
    "shared_vocabulary.json",
    "target_vocabulary.json",
    "shared_vocabulary.txt",
    "target_vocabulary.txt",
)


@dataclass(frozen=True)
class GenerationRules:
    """The model's own generation constraints, in CTranslate2's terms."""

    forced_eos: bool = False
    suppress_sequences: tuple[tuple[str, ...], ...] = ()
    repetition_penalty: float = 1.0


class CTranslate2Engine(TokenizedEngine):
    """Runs a CTranslate2 export of a seq2seq model with ``Translator.translate_batch``."""

    engine = "ctranslate2"

    def __init__(
        self,
        translator,
        tokenizer,
        model_id: str,
        *,
        folder: Path,
        rules: GenerationRules | None = None,
        max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS,
        family: Family | None = None,
        source_model: str | None = None,
    ):
        super().__init__(tokenizer, model_id, max_input_tokens=max_input_tokens, family=family)
        self.source_model = source_model  # what the export was converted from (summarizer_export.json)
        self.translator = translator
        self.folder = folder
        self.rules = rules or GenerationRules()
        # True when it was loaded to run beside the other model (its share of the cores, see ``load``):
        # the pipeline then summarises an article while it translates it.
        self.shares_cores = False
        self.workers = 1  # calls that may run at the same time (CTranslate2's inter_threads)

    @classmethod
    def load(
        cls,
        folder: str | Path,
        model_id: str | None = None,
        *,
        device: str = "cpu",
        quantization: str | None = None,
        threads: int | None = None,
        share_cores: bool = True,
        workers: int = 1,
    ) -> CTranslate2Engine:
        """Load the CTranslate2 export in ``folder`` (making one is the loader's job, not the engine's).

        ``quantization`` is the compute type (``None``: what the folder was exported with).
        ``threads`` (CTranslate2's ``intra_threads``) defaults, on the CPU, to half the cores this
        process may use (at least one) and marks the engine ``shares_cores``: the pipeline runs the
        summary model and the translation model at the same time, one on each half (docs/speed.md:
        on 2 cores, one thread per model, side by side, took half the time of two threads per model,
        one model after the other). On a GPU, with ``threads`` given, or with ``share_cores=False``
        (the loader's choice when the pipeline loads one CTranslate2 model only), every call has all
        the cores and the pipeline sends one call after the other.

        ``workers`` (CTranslate2's ``inter_threads``: calls run at the same time, each on its own threads,
        over one copy of the weights): the loader gives the translation model two on the CPU, each on half
        the cores: a translation is worked through by two threads (``Translator.translate_scored``), and
        beside the summary, the summary's thread joins the translation's once the summary is written,
        instead of leaving its cores idle (docs/speed.md).
        """
        import ctranslate2

        folder = Path(folder)
        tokenizer = load_tokenizer(folder)
        shares_cores, intra_threads = cpu_threads(device, share_cores, threads, workers)
        if shares_cores:
            one_heap()
        torch_threads = _torch_threads()
        translator = ctranslate2.Translator(
            str(folder),
            device=device,
            compute_type=quantization or "default",
            inter_threads=workers,
            intra_threads=intra_threads,
        )
        if torch_threads is not None:  # CTranslate2 set the OpenMP threads of this thread, which torch reads
            import torch

            torch.set_num_threads(torch_threads)
        if device == "cuda":
            _check_runs_on_gpu(translator, tokenizer)
        info = read_export_info(folder)
        family = family_of(info.get("model_type"), tokenizer)
        engine = cls(
            translator,
            tokenizer,
            model_id or str(folder),
            folder=folder,
            rules=_generation_rules(folder, tokenizer),
            max_input_tokens=family.input_cap(info.get("max_position_embeddings")),
            family=family,
            source_model=info.get("source_model"),
        )
        engine.vocab_restriction = _vocab_restriction(folder)
        engine.shares_cores = shares_cores
        engine.workers = workers
        return engine

    def generate(self, texts: list[str], settings: DecodeSettings) -> list[str]:
        return [hypothesis.text for hypothesis in self.generate_scored(texts, settings)]

    def generate_scored(self, texts: list[str], settings: DecodeSettings) -> list[Hypothesis]:
        return [hypotheses[0] for hypotheses in self._decode(texts, settings)]

    def generate_nbest(self, texts: list[str], settings: DecodeSettings, nbest: NBest) -> list[list[Hypothesis]]:
        """Per input, its ``nbest.candidates`` best hypotheses (``num_hypotheses``, the beam widened to
        hold them), best first, each scored as ``generate_scored`` scores its one.

        Not ``return_alternatives``: its scores are not on the beam's scale (on the tiny test model, the
        same text scored -2.9 there and -1.1 in the n-best), so its candidates could not be ranked
        against one another by the model's confidence."""
        return self._decode(texts, settings, nbest)

    def _decode(self, texts: list[str], settings: DecodeSettings, nbest: NBest | None = None) -> list[list[Hypothesis]]:
        """One ``translate_batch`` call: per input, its hypotheses (one without ``nbest``)."""
        if not texts:
            return []
        max_length = settings.max_new_tokens - (1 if self.rules.forced_eos else 0)
        if max_length <= 0:  # transformers would emit the forced EOS alone
            return [[Hypothesis("", 0.0, 0)] for _ in texts]
        encoded = self.tokenizer(list(texts), truncation=True, max_length=self.max_input_tokens)["input_ids"]
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        penalty = nbest.repetition_penalty if nbest and nbest.repetition_penalty else self.rules.repetition_penalty
        results = self.translator.translate_batch(
            source,
            target_prefix=[list(self.family.target_prefix)] * len(source) if self.family.target_prefix else None,
            beam_size=nbest.beams(settings) if nbest else settings.num_beams,
            num_hypotheses=nbest.candidates if nbest else 1,
            length_penalty=settings.length_penalty,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            repetition_penalty=penalty,
            suppress_sequences=[list(seq) for seq in self.rules.suppress_sequences] or None,
            max_decoding_length=max_length,
            min_decoding_length=min(settings.min_new_tokens, max_length),
            max_input_length=0,  # already cut by the tokenizer, which keeps the final </s>
            return_scores=True,
        )
        release_free_memory()  # this call's work buffers: see engines/memory.py
        return [[self._hypothesis(tokens, score, max_length, settings.length_penalty)
                 for tokens, score in zip(result.hypotheses, result.scores, strict=True)] for result in results]

    def _hypothesis(self, tokens: list[str], score: float, max_length: int, length_penalty: float) -> Hypothesis:
        """A hypothesis' text and mean log-probability per chosen token (see the module docstring)."""
        text = self.decode_ids(self.tokenizer.convert_tokens_to_ids(tokens))
        length = len(tokens) + (1 if len(tokens) < max_length else 0)  # the end token, when it was reached
        chosen = length - len(self.prefix_ids)
        if chosen <= 0:
            return Hypothesis(text, 0.0, 0)
        return Hypothesis(text, score * length**length_penalty / chosen, chosen)


def _check_runs_on_gpu(translator, tokenizer) -> None:
    """Translate a small batch now: CTranslate2 loads a model onto the GPU without cuBLAS and only
    fails at the first batch, which would be the middle of a user's run rather than start-up."""
    import ctranslate2

    probe = ["أعلن المبعوث الأممي اليوم عن جولة جديدة من المباحثات.", "وصل الوفد."]
    source = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(probe)["input_ids"]]
    try:  # a batch of real lengths and beams: one token alone did not reach cuBLAS
        translator.translate_batch(source, beam_size=2, max_decoding_length=4)
    except RuntimeError as exc:
        raise GpuUnusable(f"CTranslate2 {ctranslate2.__version__} cannot compute on the GPU ({exc})") from exc


def load_tokenizer(folder: Path):
    """The export's Hugging Face tokenizer, loaded without importing torch where possible.

    ``AutoTokenizer`` imports transformers' configuration code, which imports torch (about 300 MB
    and a few seconds) although CTranslate2 never needs it. The class named in
    ``tokenizer_config.json`` is the one ``AutoTokenizer`` would pick, and importing it alone
    leaves torch out. ``fix_mistral_regex=False`` stops transformers 5 from warning that the
    tokenizer "will lead to incorrect tokenization": it takes CTranslate2's own config.json, which
    has no ``model_type``, for a Mistral one.
    """
    import transformers

    config_path = folder / "tokenizer_config.json"
    if not config_path.is_file() and not (folder / "tokenizer.json").is_file():
        raise FileNotFoundError(
            f"the CTranslate2 folder {folder} has no tokenizer files; export it with "
            "`summarizer convert` (or ct2-transformers-converter --copy_files ...)"
        )
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    name = config.get("tokenizer_class")
    tokenizer_class = getattr(transformers, name, None) if isinstance(name, str) and name.isidentifier() else None
    if tokenizer_class is None:
        tokenizer_class = transformers.AutoTokenizer
    tokenizer = tokenizer_class.from_pretrained(str(folder), fix_mistral_regex=False)
    drop_construction_data(tokenizer)  # about 130 MB of mT5's tokenizer: see engines/memory.py
    return tokenizer


def _torch_threads() -> int | None:
    """torch's intra-op threads if torch is already imported (never imported here: see ``load_tokenizer``).

    Creating a CTranslate2 ``Translator`` sets the calling thread's OpenMP thread count to its
    ``intra_threads``, and an imported torch then uses that many (1 on 2 cores, with the models side by
    side): a transformers model in the same process would silently run on fewer threads."""
    torch = sys.modules.get("torch")
    return torch.get_num_threads() if torch is not None else None


M_ARENA_MAX = -8  # glibc's mallopt parameter: how many heaps ("arenas") threads may get


def cpu_threads(device: str, share_cores: bool, threads: int | None, workers: int = 1) -> tuple[bool, int]:
    """Whether a model shares the cores with the pipeline's other model, and its intra-op threads per
    worker: half the cores this process may use (at least one) when it shares them, else the cores
    split over its ``workers``; ``threads`` when given (which also means it does not share them).
    ``CTranslate2Engine.load``."""
    shares = share_cores and device == "cpu" and not threads
    return shares, threads or max(available_cores() // (2 if shares else workers), 1)


def one_heap() -> None:
    """Let every thread of this process allocate from one glibc heap (``mallopt(M_ARENA_MAX, 1)``).

    glibc gives each thread that allocates at the same time as another a heap of its own (up to 8 per core)
    and keeps what is freed in it: the two models decoding side by side then hold two sets of work
    buffers. With one heap the default pipeline's peak over an article fell from 1,407 to 1,262 MB, and the
    seconds per article did not grow (``python -m eval.levers heap``, docs/speed.md). Set before the models'
    threads start; a no-op without glibc (musl, macOS).
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:  # pragma: no cover - no C library to load
        return
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, which containers and taskset narrow)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity API
        return os.cpu_count() or 1


def _generation_rules(folder: Path, tokenizer) -> GenerationRules:
    """Read the constraints of ``generation_config.json`` that CTranslate2 can apply."""
    path = folder / "generation_config.json"
    if not path.is_file():
        return GenerationRules()
    config = json.loads(path.read_text(encoding="utf-8"))
    vocabulary = _target_vocabulary(folder)
    suppress = []
    for ids in config.get("bad_words_ids") or []:
        tokens = tuple(tokenizer.convert_ids_to_tokens(list(ids)))
        if vocabulary is None or all(token in vocabulary for token in tokens):
            suppress.append(tokens)
    return GenerationRules(
        forced_eos=config.get("forced_eos_token_id") is not None,
        suppress_sequences=tuple(suppress),
        repetition_penalty=float(config.get("repetition_penalty") or 1.0),
    )


def _vocab_restriction(folder: Path) -> dict | None:
    """The export's trimmed target vocabulary (engines/vocabulary.py), checked against the files loaded."""
    info = read_export_info(folder).get("vocab_restriction") or None
    check_loaded(folder, info, lambda: _target_vocabulary(folder))
    return info


def _target_vocabulary(folder: Path) -> set[str] | None:
    """The tokens the CTranslate2 decoder can emit (``None`` if no vocabulary file is found)."""
    for name in _VOCABULARY_FILES:
        path = folder / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            return set(json.loads(text)) if name.endswith(".json") else set(text.splitlines())
    return None
