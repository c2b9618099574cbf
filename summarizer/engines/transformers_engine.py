"""The transformers/PyTorch engine: the reference implementation of ``Seq2SeqEngine``."""

from __future__ import annotations

import copy

from .base import DecodeSettings, Hypothesis, NBest
from .family import family_of, model_type_of
from .tokenized import TokenizedEngine

# Scores are computed this many output positions x vocabulary entries at a time (float32: 256 MB).
_SCORE_CHUNK = 64_000_000


class TransformersEngine(TokenizedEngine):
    """Runs a Hugging Face seq2seq model with ``model.generate``.

    The model's own generation config (bad words, forced EOS...) is kept; the settings that
    every engine must share (``DecodeSettings``) override it. The family (engines/family.py)
    is read from the model's config: for NLLB the target language code is forced with
    ``forced_bos_token_id`` and removed from the output.
    """

    engine = "transformers"

    def __init__(self, model, tokenizer, model_id: str, device: str = "cpu"):
        family = family_of(model_type_of(model.config), tokenizer)
        super().__init__(tokenizer, model_id, family=family,
                         max_input_tokens=family.input_cap(getattr(model.config, "max_position_embeddings", None)))
        self.model = model.eval().to(device)
        self.model.generation_config.max_length = None  # every call sets max_new_tokens instead
        self.device = device

    @classmethod
    def load(cls, path_or_id: str, device: str = "cpu", model_id: str | None = None) -> TransformersEngine:
        """``model_id``: what the model is called (default ``path_or_id``): the loader gives the name its user
        gave (``~/models/x``), not the folder it expanded it to."""
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path_or_id)
        model = AutoModelForSeq2SeqLM.from_pretrained(path_or_id)
        return cls(model, tokenizer, model_id or path_or_id, device=device)

    def generate(self, texts: list[str], settings: DecodeSettings) -> list[str]:
        import torch

        if not texts:
            return []
        inputs = self._encode(texts)
        with torch.inference_mode():
            output = self.model.generate(**inputs, generation_config=self._generation_config(settings))
        return self._texts(output)

    def generate_scored(self, texts: list[str], settings: DecodeSettings) -> list[Hypothesis]:
        """``generate``, each output with the mean log-probability of the tokens the model chose.

        The chosen sequences are scored in one teacher-forced decoder pass over the encoder states that
        generation used (``output_scores`` would keep a batch x beams x vocabulary tensor for every
        decoding step: gigabytes for NLLB's 256k vocabulary). Tokens that the generation config bans
        (``bad_words_ids`` of one token: Marian's <pad>; the end token before ``min_new_tokens``) are
        outside the distribution, as CTranslate2, which drops <pad> from its vocabulary and bans the end
        token before its softmax, computes it.
        """
        return [hypotheses[0] for hypotheses in self._decode(texts, settings)]

    def generate_nbest(self, texts: list[str], settings: DecodeSettings, nbest: NBest) -> list[list[Hypothesis]]:
        """Per input, its ``nbest.candidates`` best hypotheses (``num_return_sequences``, the beam widened
        to hold them), best first, each scored as ``generate_scored`` scores its one."""
        return self._decode(texts, settings, nbest)

    def _decode(self, texts: list[str], settings: DecodeSettings, nbest: NBest | None = None) -> list[list[Hypothesis]]:
        """One ``generate`` call, its outputs scored: per input, its hypotheses (one without ``nbest``)."""
        import torch

        if not texts:
            return []
        inputs = self._encode(texts)
        config = self._generation_config(settings)
        per_input = 1
        if nbest is not None:
            per_input = nbest.candidates
            config.update(num_beams=nbest.beams(settings), num_return_sequences=per_input)
            if nbest.repetition_penalty:
                config.update(repetition_penalty=nbest.repetition_penalty)
        with torch.inference_mode():
            encoder_outputs = self.model.get_encoder()(**inputs, return_dict=True)
            hidden = encoder_outputs.last_hidden_state  # generate() expands encoder_outputs for beams in place
            sequences = self.model.generate(attention_mask=inputs["attention_mask"], encoder_outputs=encoder_outputs,
                                            generation_config=config)
            mask = inputs["attention_mask"]
            if per_input > 1:  # rows of one input follow one another, best first
                hidden, mask = hidden.repeat_interleave(per_input, 0), mask.repeat_interleave(per_input, 0)
            scores = self._score(sequences, hidden, mask, config, settings)
        found = [Hypothesis(text, score, count) for text, (score, count) in zip(self._texts(sequences), scores,
                                                                                 strict=True)]
        return [found[i : i + per_input] for i in range(0, len(found), per_input)]

    def _encode(self, texts: list[str]):
        return self.tokenizer(
            list(texts), return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
        ).to(self.device)

    def _texts(self, sequences) -> list[str]:
        # Every row starts with the decoder start token; decode_ids drops the forced prefix (NLLB's eng_Latn).
        return [self.decode_ids(row[1:]) for row in sequences.tolist()]

    def _score(self, sequences, hidden, attention_mask, config, settings) -> list[tuple[float, int]]:
        """(mean log-probability, tokens) of each row of ``sequences`` (decoder start, then the output),
        ``hidden`` being the encoder's output for the batch."""
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        targets = sequences[:, 1:]
        vocabulary = self.model.config.get_text_config().vocab_size
        banned = [ids[0] for ids in (config.bad_words_ids or []) if len(ids) == 1]
        eos = _ids(config.eos_token_id)
        early = min(settings.min_new_tokens, targets.shape[1])  # steps where the end token is banned
        rows_per_chunk = max(1, _SCORE_CHUNK // max(1, targets.shape[1] * vocabulary))
        log_probs = []
        for start in range(0, targets.shape[0], rows_per_chunk):
            rows = slice(start, start + rows_per_chunk)
            chunk = BaseModelOutput(last_hidden_state=hidden[rows])
            logits = self.model(encoder_outputs=chunk, attention_mask=attention_mask[rows],
                                decoder_input_ids=sequences[rows, :-1]).logits.float()
            if banned:
                logits[..., banned] = float("-inf")
            if early and eos:
                logits[:, :early, eos] = float("-inf")
            log_probs.append(torch.log_softmax(logits, dim=-1).gather(-1, targets[rows, :, None])[..., 0])
        token_log_probs = torch.cat(log_probs).tolist()
        return [self._chosen_mean(row, values, config, settings)
                for row, values in zip(targets.tolist(), token_log_probs, strict=True)]

    def _chosen_mean(self, row: list[int], values: list[float], config, settings) -> tuple[float, int]:
        """Mean over the tokens the model chose: after the forced prefix, up to and with its end token
        (an end forced at the length limit by ``forced_eos_token_id`` excluded)."""
        eos = set(_ids(config.eos_token_id))
        start = len(self.prefix_ids)
        end = len(row)
        for i in range(start, len(row)):
            if row[i] in eos:
                forced = config.forced_eos_token_id is not None and i == settings.max_new_tokens - 1
                end = i if forced else i + 1
                break
        chosen = values[start:end]
        return (sum(chosen) / len(chosen), len(chosen)) if chosen else (0.0, 0)

    def _generation_config(self, settings: DecodeSettings):
        config = copy.deepcopy(self.model.generation_config)
        config.update(
            num_beams=settings.num_beams,
            max_new_tokens=settings.max_new_tokens,
            # 0, not None: transformers fills None from the model's config (mT5 would block bigrams anyway)
            min_new_tokens=settings.min_new_tokens,
            length_penalty=settings.length_penalty,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            # CTranslate2 stops once num_beams hypotheses are finished: the same rule keeps engines equal
            early_stopping=True,
            do_sample=False,
        )
        if self.prefix_ids:  # NLLB: the target language code is the first generated token
            config.forced_bos_token_id = self.prefix_ids[0]
        return config


def _ids(value) -> list[int]:
    """A generation config's token id field (an int, a list of them, or None) as a list."""
    if value is None:
        return []
    return [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]
