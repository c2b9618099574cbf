"""Token counting and cutting with the model's own Hugging Face tokenizer.

Both engines tokenize with the same tokenizer files, so a text has the same length
(and is cut at the same place) whichever engine runs it.
"""

from __future__ import annotations

from .family import Family


class TokenizedEngine:
    """Base for engines that use a Hugging Face tokenizer for their inputs.

    ``family`` (engines/family.py) says what the tokenizer prepends and what the decoder is forced to
    start with; the tokenizer is set up for it here, so both engines encode the same way.
    """

    model_id: str
    engine: str
    max_input_tokens: int
    # Why this engine runs the model when another was expected (engine="auto" on an unusable GPU).
    load_note: str | None = None
    # What the decoder's target vocabulary was trimmed to (engines/vocabulary.py); None: the whole one.
    vocab_restriction: dict | None = None

    def __init__(self, tokenizer, model_id: str, max_input_tokens: int, family: Family | None = None):
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.max_input_tokens = max_input_tokens
        self.family = family or Family("seq2seq")
        self.family.prepare(tokenizer)
        self.prefix_ids = self.family.prefix_ids(tokenizer)

    def decode_ids(self, ids: list[int]) -> str:
        """An output's text: the forced target prefix (NLLB's language code) removed, special tokens skipped."""
        ids = list(ids)
        if self.prefix_ids and ids[: len(self.prefix_ids)] == self.prefix_ids:
            ids = ids[len(self.prefix_ids):]
        return self.tokenizer.decode(ids, skip_special_tokens=True).strip()

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        # verbose=False: counting a text over the model's limit is how it gets cut to fit; the
        # tokenizer's "longer than the specified maximum sequence length" warning would alarm users.
        encoded = self.tokenizer(list(texts), add_special_tokens=True, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_id!r})"
