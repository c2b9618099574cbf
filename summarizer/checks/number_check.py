"""Numbers between a source and its output: every hard quantity on one side must be on the other.

A quantity matches when the other side states the same value in any form (digits or words, any
digit script, with or without a scale word, as a percent or a plain number, a year range's short
end). Only hard quantities (:class:`.quantity.Quantity`) raise findings; soft ones (small number
words, ordinals, fractions, bare scales) only count as counterparts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .findings import Finding
from .quantity import Quantity, format_value
from .value_index import GrowingValueIndex, ValueIndex

# A number written in Western digits, with its grouping and decimal marks: shown as written.
_LATIN_NUMBER = re.compile(r"[0-9][0-9,.]*")


def _unmatched(side: Sequence[Quantity], stated: ValueIndex) -> list[Quantity]:
    """Hard quantities of ``side`` that the other side (``stated``) never states, one per value: the
    first of those that share a value. Each is looked up, not compared with every other quantity, so
    the cost grows with the sides' sizes, not with their product (:mod:`.value_index`)."""
    hard = [quantity for quantity in side if quantity.hard]
    kept = GrowingValueIndex(hard)
    for quantity in hard:
        if not stated.states(quantity) and not kept.states(quantity):
            kept.add(quantity)
    return kept.quantities


def _shown(quantity: Quantity) -> str:
    """The quantity as a reader finds it in the text: as written when written in digits ("172.50"),
    else its value with the words or digits that state it ("300 (ثلاثمائة)")."""
    value = format_value(quantity.value)
    if quantity.kind == "percent":
        return f"{value}%"
    if quantity.kind == "decade":
        return f"the {value}s"
    if _LATIN_NUMBER.fullmatch(quantity.text):
        return quantity.text
    return f"{value} ({quantity.text})"


def _saying(name: str) -> str:
    """``"the Arabic"`` -> ``"The Arabic says"``: the start of a reader's sentence."""
    return f"{name[:1].upper()}{name[1:]} says"


def compare_numbers(
    source: Sequence[Quantity],
    output: Sequence[Quantity],
    *,
    source_name: str = "the Arabic",
    output_name: str = "the English",
    both_ways: bool = True,
    source_index: ValueIndex | None = None,
) -> list[Finding]:
    """Findings for the hard quantities of one side missing on the other.

    A source quantity missing from the output and an output quantity missing from the source, in
    the same order, are most likely one changed value: they make one ``number-mismatch`` ("The Arabic
    says 300; the English says 30."). A source quantity left over is a ``number-mismatch`` (dropped),
    an output one a ``number-unsupported`` (added). With ``both_ways=False`` only the output is held
    to the source (a summary need not repeat every number of its article). ``source_index`` is
    ``ValueIndex(source)`` when the caller holds one source to many outputs (an article to each
    sentence of its summary), made once.
    """
    missing = _unmatched(source, ValueIndex(output)) if both_ways else []
    added = _unmatched(output, source_index if source_index is not None else ValueIndex(source))
    source_says, output_says = _saying(source_name), _saying(output_name)
    findings: list[Finding] = []
    for was, now in zip(missing, added, strict=False):
        findings.append(
            Finding(
                "number-mismatch",
                f"{source_says} {_shown(was)}; {output_name} says {_shown(now)}.",
                evidence={"source": was.to_dict(), "output": now.to_dict()},
            )
        )
    pairs = min(len(missing), len(added))
    for was in missing[pairs:]:
        findings.append(
            Finding(
                "number-mismatch",
                f"{source_says} {_shown(was)}; {output_name} does not.",
                evidence={"source": was.to_dict(), "output": None},
            )
        )
    for now in added[pairs:]:
        findings.append(
            Finding(
                "number-unsupported",
                f"{output_says} {_shown(now)}; {source_name} does not.",
                evidence={"source": None, "output": now.to_dict()},
            )
        )
    return findings
