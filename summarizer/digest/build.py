"""The digest from start to end: articles read, weighed, grouped into stories, each story described; then, when
the caller has the models, each story's abstract and the English.

``make_digest`` reads its articles once (a generator is fine): what it keeps of each is its sentences, date
and bounded term vector (``terms.MAX_TERMS``), so the memory grows with the articles' text, never with the
square of their number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..choices import DEFAULT_MAX_CHARS
from .articles import Article, read_articles
from .group import DEFAULT_THRESHOLD, group
from .record import Digest, Skipped, Story
from .story import StoryInput, build_story
from .terms import DocumentFrequencies, article_terms, tfidf

# Called as progress(stage, done, total): stages "read", "group", "stories", "abstracts", "translate".
DigestProgress = Callable[[str, int, int], None]
# Models the caller lends: documents (lists of sentences) -> one Arabic summary each; sentences -> English.
Summarise = Callable[[list[list[str]]], list[str]]
Translate = Callable[[list[str]], list[str]]


def make_digest(items: Iterable[str | Mapping], *, threshold: float = DEFAULT_THRESHOLD, sentences: int = 3,
                max_chars: int = DEFAULT_MAX_CHARS, summarise: Summarise | None = None,
                translate: Translate | None = None, progress: DigestProgress | None = None,
                models: Mapping[str, str | None] | None = None) -> Digest:
    """Stories across ``items`` (texts, or mappings with ``text`` and optional ``id`` and ``date``).

    ``threshold``: the cosine similarity (0-1) an article needs with a story to join it; ``sentences``: a
    story's summary length; ``summarise`` (optional): writes the abstract of each story's lead article;
    ``translate`` (optional): gives the titles, summaries and additions their English. Articles that cannot be
    read (empty, not Arabic, too long, repeated) are in ``Digest.skipped`` with why, never in a story.
    """
    report = progress or (lambda stage, done, total: None)
    skipped: list[Skipped] = []
    articles: list[Article] = []
    counts = []
    frequencies = DocumentFrequencies()
    total = len(items) if hasattr(items, "__len__") else 0  # type: ignore[arg-type]
    for n, article in enumerate(read_articles(items, max_chars=max_chars, skipped=skipped), 1):
        terms = article_terms(article.sentences)
        frequencies.add(terms)
        articles.append(article)
        counts.append(terms)
        report("read", n + len(skipped), total)
    articles_read = len(articles) + len(skipped)
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date is None, articles[i].date or "", i))
    vectors = {i: tfidf(counts[i], frequencies) for i in order}
    del counts
    groups = group([vectors[i] for i in order], threshold, lambda d, t: report("group", d, t))
    inputs = [StoryInput([articles[order[k]] for k in g], [vectors[order[k]] for k in g]) for g in groups]
    inputs.sort(key=lambda s: (-len(s.articles), min(a.position for a in s.articles)))
    stories = []
    for n, given in enumerate(inputs, 1):
        stories.append(build_story(f"story-{n}", given, frequencies, sentences))
        report("stories", n, len(inputs))
    if summarise is not None:
        _abstracts(stories, {a.id: a for a in articles}, summarise, report)
    if translate is not None:
        _english(stories, translate, report)
    return Digest(stories, skipped, threshold, articles_read,
                  dict(models) if models else {"summary": None, "translation": None})


def _abstracts(stories: list[Story], by_id: dict[str, Article], summarise: Summarise, report: DigestProgress) -> None:
    """Each story's abstract: the summary model's summary of its lead article (one batch for all stories)."""
    report("abstracts", 0, len(stories))
    texts = summarise([by_id[s.lead].sentences for s in stories])
    for story, text in zip(stories, texts, strict=True):
        story.abstract_ar = text
    report("abstracts", len(stories), len(stories))


def _english(stories: list[Story], translate: Translate, report: DigestProgress) -> None:
    """The English of every title, summary sentence, abstract and addition, in one call (shared batches)."""
    slots: list[tuple[object, str, int | None]] = []
    arabic: list[str] = []

    def want(owner: object, attribute: str, text: str, index: int | None = None) -> None:
        if text.strip():
            slots.append((owner, attribute, index))
            arabic.append(text)

    for story in stories:
        want(story, "title_en", story.title_ar)
        want(story, "abstract_en", story.abstract_ar)
        for sentence in story.summary:
            want(sentence, "en", sentence.ar)
        for addition in story.adds:
            addition.sentences_en = [""] * len(addition.sentences)
            for k, text in enumerate(addition.sentences):
                want(addition, "sentences_en", text, k)
    report("translate", 0, len(arabic))
    english = translate(arabic) if arabic else []
    for (owner, attribute, index), text in zip(slots, english, strict=True):
        if index is None:
            setattr(owner, attribute, text)
        else:
            getattr(owner, attribute)[index] = text
    report("translate", len(arabic), len(arabic))
