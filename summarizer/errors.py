"""Errors a user can cause or meet, each with a message meant to be shown as is (no traceback)."""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class: every error the package raises on purpose carries a readable message."""


class InputError(SummarizerError, ValueError):
    """The article cannot be processed as given (empty, not Arabic, too long, not UTF-8...)."""


class ModelLoadError(SummarizerError, RuntimeError):
    """A model could not be loaded; the message names the model, says why and what to do."""

    def __init__(self, role: str, model: str, reason: str, advice: str):
        self.role, self.model, self.reason, self.advice = role, model, reason, advice
        super().__init__(f"Could not load the {role} model '{model}': {reason}. {advice}")
