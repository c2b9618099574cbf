"""Runaway length: an English sentence far longer or shorter than a human translation would be.

The band, calibrated on human translations: on the 1,012 FLORES-101 devtest pairs (source.ar /
reference.en) and the 1,007 NTREX-128 dev pairs (2,019 pairs), the English length in characters
follows log(en) = 0.4937 + 0.9158 * log(ar) (least squares on log characters, whitespace collapsed)
with a residual standard deviation of 0.144 (FLORES) and 0.180 (NTREX). A sentence is flagged when
its residual is below -0.45 (English under 0.64x the expected length; 0.2% of FLORES and 2.1% of
NTREX pairs are below it, most of them headlines whose English uses abbreviations, "Brexit" for
"انسحاب المملكة المتحدة من الاتحاد الأوروبي") or above +0.55 (over 1.73x; none of the 2,019 is
above +0.47). An English sentence with half its words dropped falls below the band in 94% (FLORES)
and 96% (NTREX) of the pairs of 8 words or more. Sources under :data:`MIN_SOURCE_CHARS`
characters are not checked: a one-word line has no stable ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INTERCEPT = 0.4937
SLOPE = 0.9158
LOW = -0.45
HIGH = 0.55
MIN_SOURCE_CHARS = 15


@dataclass(frozen=True)
class LengthCheck:
    """The English length against the length expected for the source, and whether it is out of band."""

    source_chars: int
    output_chars: int
    expected_chars: float
    residual: float

    @property
    def too_short(self) -> bool:
        return self.residual < LOW

    @property
    def too_long(self) -> bool:
        return self.residual > HIGH

    @property
    def ratio(self) -> float:
        """Output length over the expected length."""
        return self.output_chars / self.expected_chars


def check_length(source: str, output: str) -> LengthCheck | None:
    """The length check of an Arabic sentence and its English (None for sources too short to judge
    or an empty output, which other checks report)."""
    if len(source) < MIN_SOURCE_CHARS or not output:
        return None
    expected = math.exp(INTERCEPT + SLOPE * math.log(len(source)))
    residual = math.log(len(output)) - math.log(expected)
    return LengthCheck(len(source), len(output), expected, residual)
