"""The registry of checks: what the pipeline holds every output to, and the catalogue of finding codes.

A check is a function registered with what it looks at and the codes it can give (each with its
severity and its meaning for a reader):

    @register_check("shouting", looks_at=PAIR,
                    codes={"shouting": FindingCode("warning", "The English is in capitals only.")})
    def shouting(arabic, english):
        return [Finding("shouting", "The English is in capitals.")] if english.isupper() else []

Registering is all it takes: the pipeline runs every registered check of each kind (``checks="off"``
turns them all off), its findings reach every output (``run --json``, the Markdown export, the page),
and :data:`CATALOGUE` / :data:`SEVERITY_OF` are read from here. What a check looks at says when it
runs and what it is given:

* :data:`PAIR`: each sentence pair with an English: ``fn(arabic, english)``;
* :data:`SUMMARY`: a summary the method wrote (not one made of the article's own sentences) against
  its article: ``fn(article_sentences, summary, *, read_fraction)``, ``read_fraction`` the share of
  the article the summary model read (None when unknown);
* :data:`SUMMARY_TRANSLATION`: that summary's English against it: ``fn(arabic_summary, english_summary)``;
* :data:`ARTICLE`: every sentence pair of one article at once, after the pair checks, for what only the
  whole article shows (a name the article teaches, dropped in one sentence): ``fn(pairs, findings)``,
  ``findings`` the pairs' findings so far (one list per pair); it returns them, added to or merged.

Each returns a list of :class:`.findings.Finding` (an article check: one list per pair). A code is declared by one check (``codes``); another
check that gives it names it in ``reuses``. Checks of one kind run in the order they were registered,
and a sentence's findings are theirs in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

# Severities, strongest first: "error" (the output states something the source does not, or
# drops it), "warning" (the output is likely broken: a loop, a runaway length, untranslated text),
# "info" (context a reader needs: how much of the article the summary read).
SEVERITIES = ("error", "warning", "info")

# What a check looks at (see the module's docstring for what each is given).
PAIR, SUMMARY, SUMMARY_TRANSLATION, ARTICLE = "pair", "summary", "summary-translation", "article"
LOOKS_AT = (PAIR, SUMMARY, SUMMARY_TRANSLATION, ARTICLE)

# A check's function: given what it looks at, it returns a list of ``findings.Finding`` (not imported
# here: that module imports this one for the catalogue).
CheckFunction = Callable[..., list]


@dataclass(frozen=True)
class FindingCode:
    """One code of the catalogue: how bad a finding of it is, and what it means for a reader."""

    severity: str
    meaning: str
    check: str = ""  # the check that declared it (set when registered)


@dataclass(frozen=True)
class Check:
    """A registered check: its function, what it looks at, and every code it can give (its own, then
    those it reuses)."""

    name: str
    looks_at: str
    run: CheckFunction
    codes: tuple[str, ...]


CHECKS: dict[str, Check] = {}
CODES: dict[str, FindingCode] = {}  # every registered code, in the order registered


def register_check(name: str, *, looks_at: str, codes: Mapping[str, FindingCode] | None = None,
                   reuses: Iterable[str] = ()) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the check ``name``. A name, and a code, is registered once;
    a registration that cannot hold raises ``ValueError`` here, before anything is registered."""
    declared = dict(codes or {})
    reused = tuple(reuses)
    _refuse(name, looks_at, declared, reused)

    def add(fn: CheckFunction) -> CheckFunction:
        _refuse(name, looks_at, declared, reused)
        CODES.update({code: FindingCode(kind.severity, kind.meaning, name) for code, kind in declared.items()})
        CHECKS[name] = Check(name, looks_at, fn, (*declared, *(c for c in reused if c not in declared)))
        return fn

    return add


def _refuse(name: str, looks_at: str, declared: Mapping[str, FindingCode], reused: tuple[str, ...]) -> None:
    """Raise ``ValueError`` for a registration that cannot hold."""
    if name in CHECKS:
        raise ValueError(f"check {name!r} is registered already")
    if looks_at not in LOOKS_AT:
        raise ValueError(f"looks_at must be one of {', '.join(LOOKS_AT)}, not {looks_at!r}")
    for code, kind in declared.items():
        if code in CODES:
            raise ValueError(f"finding code {code!r} is registered already (by the check {CODES[code].check!r})")
        if kind.severity not in SEVERITIES:
            raise ValueError(f"the severity of {code!r} must be one of {', '.join(SEVERITIES)}, not {kind.severity!r}")
    unknown = [code for code in reused if code not in CODES and code not in declared]
    if unknown:
        raise ValueError(f"reuses codes that no check declares: {', '.join(unknown)}")


def unregister_check(name: str) -> None:
    """Take the check ``name`` and the codes it declared out of the registry (a test's toy check)."""
    if name not in CHECKS:
        raise ValueError(f"unknown check {name!r}; registered: {', '.join(CHECKS)}")
    del CHECKS[name]
    for code in [code for code, kind in CODES.items() if kind.check == name]:
        del CODES[code]


def checks_of(looks_at: str) -> list[Check]:
    """The registered checks that look at ``looks_at``, in the order registered."""
    return [check for check in CHECKS.values() if check.looks_at == looks_at]


def run_checks(looks_at: str, *subject: object, **context: object) -> list:
    """The findings of every check of ``looks_at`` on ``subject``, check after check."""
    return [finding for check in checks_of(looks_at) for finding in check.run(*subject, **context)]


def run_article_checks(pairs: list[tuple[str, str]], findings: list[list]) -> list[list]:
    """Each pair's ``findings`` after every check of :data:`ARTICLE` has seen the whole article, in turn."""
    for check in checks_of(ARTICLE):
        findings = check.run(pairs, findings)
        if len(findings) != len(pairs):  # a check's bug, said where it is
            raise ValueError(f"the article check {check.name!r} returned {len(findings)} lists for {len(pairs)} pairs")
    return findings


class _Column(Mapping[str, str]):
    """One column of the registered codes (their meanings, their severities), read live."""

    def __init__(self, column: str):
        self.column = column

    def __getitem__(self, code: str) -> str:
        return getattr(CODES[code], self.column)

    def __iter__(self) -> Iterator[str]:
        return iter(CODES)

    def __len__(self) -> int:
        return len(CODES)

    def __repr__(self) -> str:
        return repr(dict(self))


# Every code a check can give, with what it means (the catalogue that docs, the page and tests use),
# and its severity: both read from the registered checks.
CATALOGUE: Mapping[str, str] = _Column("meaning")
SEVERITY_OF: Mapping[str, str] = _Column("severity")
