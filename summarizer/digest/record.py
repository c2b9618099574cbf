"""The digest's typed results: stories, their summaries, what each source adds, where sources disagree, and the
articles left out (with why). Every part has ``to_dict()`` (JSON-ready); ``Digest.to_dict()`` is the ``.json``
output of ``summarizer digest`` and the record users script against."""

from __future__ import annotations

from dataclasses import dataclass, field

# Why an article is left out of every story (``Skipped.code``): it cannot be read, has no text, is not Arabic,
# is over the size limit, repeats another article's text, or repeats another article's id.
SKIP_CODES = ("unreadable", "not-text", "empty", "too-long", "not-arabic", "duplicate", "duplicate-id")

# What a disagreement is about (``Disagreement.kind``).
DISAGREEMENT_KINDS = ("number", "date", "name")


@dataclass(frozen=True)
class Skipped:
    """An article left out of the digest, never grouped silently: its id, a code of ``SKIP_CODES`` and a
    reason a reader understands; ``same_as``: the article it repeats (``duplicate``)."""

    article: str
    code: str
    reason: str
    same_as: str | None = None

    def to_dict(self) -> dict:
        out = {"article": self.article, "code": self.code, "reason": self.reason}
        if self.same_as is not None:
            out["same_as"] = self.same_as
        return out


@dataclass
class StorySentence:
    """A sentence of a story's summary: its Arabic (as the first outlet wrote it), its English (empty without
    a translation model) and every article that carries it or a near-duplicate of it."""

    ar: str
    articles: list[str]
    en: str = ""

    def to_dict(self) -> dict:
        return {"ar": self.ar, "en": self.en, "articles": list(self.articles)}


@dataclass
class Addition:
    """What one article adds to its story: its sentences that no other article of the story carries."""

    article: str
    sentences: list[str]
    sentences_en: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"article": self.article, "sentences": list(self.sentences), "sentences_en": list(self.sentences_en)}


@dataclass(frozen=True)
class Report:
    """One side of a disagreement: the value (normalised: ``270000``, ``2016-05-03``, a name as written),
    the words that state it, the sentence and the articles that report it so."""

    value: str
    text: str
    sentence: str
    articles: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"value": self.value, "text": self.text, "sentence": self.sentence, "articles": list(self.articles)}


@dataclass(frozen=True)
class Disagreement:
    """The same quantity, date or name reported differently by two outlets: a finding type of the digest's own
    (it concerns two articles, not one output and its source, so it is not a check of ``checks.registry``).

    ``kind``: ``number``, ``date`` or ``name``; ``reports``: one per differing value (two or more)."""

    kind: str
    reports: tuple[Report, ...]

    @property
    def values(self) -> list[str]:
        return [r.value for r in self.reports]

    @property
    def articles(self) -> list[str]:
        """The articles that give any of the values, each once, in the reports' order."""
        return list(dict.fromkeys(a for r in self.reports for a in r.articles))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "values": self.values, "articles": self.articles,
                "reports": [r.to_dict() for r in self.reports]}


@dataclass
class Story:
    """Articles that report one story, and what the digest says of them.

    ``articles``: their ids, in time order when their dates are known (else in the order given);
    ``title_ar``: the story's most central sentence; ``summary``: its most central sentences across its
    articles, near-duplicates merged, each with the articles that carry it; ``abstract_ar``: the summary model's
    summary of the story's lead article (empty without the model); ``adds``: per article, what no other article
    of the story carries (empty for a story of one article); ``disagreements``: where its articles differ."""

    id: str
    articles: list[str]
    title_ar: str
    summary: list[StorySentence]
    lead: str
    title_en: str = ""
    abstract_ar: str = ""
    abstract_en: str = ""
    dates: dict[str, str] = field(default_factory=dict)
    adds: list[Addition] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def summary_ar(self) -> str:
        return " ".join(s.ar for s in self.summary)

    @property
    def summary_en(self) -> str:
        return " ".join(s.en for s in self.summary if s.en)

    def to_dict(self) -> dict:
        return {"id": self.id, "articles": list(self.articles), "dates": dict(self.dates), "lead": self.lead,
                "title_ar": self.title_ar, "title_en": self.title_en,
                "summary_ar": self.summary_ar, "summary_en": self.summary_en,
                "summary": [s.to_dict() for s in self.summary],
                "abstract_ar": self.abstract_ar, "abstract_en": self.abstract_en,
                "adds": [a.to_dict() for a in self.adds],
                "disagreements": [d.to_dict() for d in self.disagreements]}


@dataclass
class Digest:
    """Stories across many articles: the largest first. ``skipped``: the articles in no story, with why;
    ``threshold``: the similarity an article needed to join a story; ``models``: what wrote the abstracts
    and the English (``None`` per role when it was not loaded)."""

    stories: list[Story]
    skipped: list[Skipped]
    threshold: float
    articles_read: int
    models: dict[str, str | None] = field(default_factory=lambda: {"summary": None, "translation": None})

    @property
    def disagreements(self) -> list[Disagreement]:
        return [d for s in self.stories for d in s.disagreements]

    def to_dict(self) -> dict:
        return {"stories": [s.to_dict() for s in self.stories], "skipped": [s.to_dict() for s in self.skipped],
                "threshold": self.threshold, "articles_read": self.articles_read, "models": dict(self.models)}
