"""The transformers/PyTorch engine: the reference implementation of ``Seq2SeqEngine``."""

from __future__ import annotations

import copy

from .base import DecodeSettings
from .tokenized import TokenizedEngine


class TransformersEngine(TokenizedEngine):
    """Runs a Hugging Face seq2seq model with ``model.generate``.

    The model's own generation config (bad words, forced EOS...) is kept; the settings that
    every engine must share (``DecodeSettings``) override it.
    """

    engine = "transformers"

    def __init__(self, model, tokenizer, model_id: str, device: str = "cpu"):
        max_positions = getattr(model.config, "max_position_embeddings", None) or 512
        super().__init__(tokenizer, model_id, max_input_tokens=min(int(max_positions), 512))
        self.model = model.eval().to(device)
        self.model.generation_config.max_length = None  # every call sets max_new_tokens instead
        self.device = device

    @classmethod
    def load(cls, path_or_id: str, device: str = "cpu") -> TransformersEngine:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path_or_id)
        model = AutoModelForSeq2SeqLM.from_pretrained(path_or_id)
        return cls(model, tokenizer, path_or_id, device=device)

    def generate(self, texts: list[str], settings: DecodeSettings) -> list[str]:
        import torch

        if not texts:
            return []
        inputs = self.tokenizer(
            list(texts), return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
        ).to(self.device)
        with torch.inference_mode():
            output = self.model.generate(**inputs, generation_config=self._generation_config(settings))
        return [text.strip() for text in self.tokenizer.batch_decode(output, skip_special_tokens=True)]

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
        return config
