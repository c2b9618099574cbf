"""The catalogue of notices: every warning the package gives, by code, with its words per surface.

A notice is data (``code`` + ``params``); its text is rendered where it is shown, in the surfaces of
``errors`` (``python``: keyword arguments, the default and ``result.warnings``; ``cli``: flags; ``page``:
what is on the page), each falling back to the Python words. Code that needs to know what a notice says
compares its ``code``, never its text. A leaf module, beside ``errors``: every layer may raise or
record a notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import CLI, PAGE, PYTHON

INFO, WARNING = "info", "warning"
# Where a notice belongs: "run" (it holds for every article of a pipeline: a model that could not be
# loaded) or "article" (this article only). The page shows run notices once, at the top.
RUN, ARTICLE = "run", "article"


@dataclass(frozen=True)
class NoticeKind:
    """One entry of the catalogue: its severity, scope and a template per surface (``str.format``)."""

    code: str
    severity: str
    scope: str
    text: str  # the Python words
    page: str | None = None  # None: the page uses the Python words
    cli: str | None = None  # None: the command line uses the Python words

    def render(self, params: Mapping[str, Any], surface: str = PYTHON) -> str:
        template = {PAGE: self.page, CLI: self.cli}.get(surface) or self.text
        return template.format(**params)


CATALOGUE: dict[str, NoticeKind] = {}


def register_notice(code: str, severity: str, scope: str, text: str, page: str | None = None,
                    cli: str | None = None) -> NoticeKind:
    """Add a kind of notice to the catalogue (a code is registered once)."""
    if code in CATALOGUE:
        raise ValueError(f"notice code {code!r} is registered already")
    kind = NoticeKind(code, severity, scope, text, page, cli)
    CATALOGUE[code] = kind
    return kind


@dataclass(frozen=True)
class Notice:
    """One notice: its code and the parameters its templates are filled with."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown notice code {self.code!r}")

    @property
    def kind(self) -> NoticeKind:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> str:
        return self.kind.severity

    @property
    def scope(self) -> str:
        return self.kind.scope

    def message(self, surface: str = PYTHON) -> str:
        return self.kind.render(self.params, surface)

    def __str__(self) -> str:
        return self.message()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "params": dict(self.params), "message": self.message()}


def notice(code: str, **params: Any) -> Notice:
    return Notice(code, params)


# -- the package's notices -------------------------------------------------------------------------
register_notice("summary-model-missing", WARNING, RUN,
                "{error} Falling back to the extractive summary.",
                "The abstractive summary model could not be loaded: the extractive summary is used instead.")
register_notice("translation-model-missing", WARNING, RUN, "Translation is off: {error}",
                "The translation model could not be loaded: there is no English.")
register_notice("translation-off", INFO, RUN,
                "Translation is off (as asked: --no-translate / translation_model=None): only the Arabic summary "
                "is made.",
                "Translation is off: only the Arabic summary is made.",
                "Translation is off (as asked: --no-translate): only the Arabic summary is made.")
register_notice("engine-substituted", INFO, RUN, "{note}")
register_notice("cleaning-removed", INFO, ARTICLE, "Cleaning removed {count} item(s): {kinds}.",
                "Cleaning removed {count} {items} not part of the article: {what}.")
register_notice("summary-empty", WARNING, ARTICLE,
                "The summary model returned an empty summary: the extractive summary is shown instead.")
register_notice("summary-read-lead", INFO, ARTICLE,
                "The summary model reads {tokens} tokens: the summary covers the first {kept} of {total} sentences "
                "(long_input='lead'; 'chunked' reads all of it).",
                "The summary model reads {tokens} tokens: the summary covers the first {kept} of {total} sentences "
                "(to read all of it, choose “The whole article, in parts” under Long articles).",
                "The summary model reads {tokens} tokens: the summary covers the first {kept} of {total} sentences "
                "(--long-input chunked reads all of it).")
register_notice("summary-first-sentence-cut", WARNING, ARTICLE,
                "The first sentence alone is over the summary model's {tokens}-token input; the summary reads only "
                "its beginning.")
register_notice("summary-chunked", INFO, ARTICLE,
                "The article was read in {chunks} chunks and summarised in {rounds} rounds.")
register_notice("translation-empty", WARNING, ARTICLE,
                "The translation model returned nothing for {count} of {total} sentences (sentence {shown}): their "
                "English is empty.")
register_notice("checks-findings", WARNING, ARTICLE,
                "To check: {things}; each comes with its reason in words.",
                "To check: {things}, marked ⚑ below.")
