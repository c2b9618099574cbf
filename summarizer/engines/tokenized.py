"""Token counting and cutting with the model's own Hugging Face tokenizer.

Both engines tokenize with the same tokenizer files, so a text has the same length
(and is cut at the same place) whichever engine runs it.
"""

from __future__ import annotations


class TokenizedEngine:
    """Base for engines that use a Hugging Face tokenizer for their inputs."""

    model_id: str
    engine: str
    max_input_tokens: int

    def __init__(self, tokenizer, model_id: str, max_input_tokens: int):
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.max_input_tokens = max_input_tokens

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
        return [len(ids) for ids in encoded]

    def truncate(self, text: str, max_tokens: int) -> str:
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        budget = max(max_tokens - self._special_tokens_added(), 1)
        if len(ids) <= budget:
            return text
        return self.tokenizer.decode(ids[:budget], skip_special_tokens=True).strip()

    def _special_tokens_added(self) -> int:
        return len(self.tokenizer("", add_special_tokens=True)["input_ids"])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_id!r})"
