"""Where the evaluation data lives: one place for every eval module and for the tests.

The data sets (NTREX-128, FLORES-200, FLORES-101 system outputs, ANT headlines) are read where
they are, never copied into the checkout. Their folder, the *data root*, is the first of:

1. an explicit argument (``data_root("/path")``; every eval command line passes its
   ``--data-root DIR`` option here);
2. the environment variable ``SUMMARIZER_DATA``;
3. ``<checkout>/../shared/data``, beside the checkout.

Files below the root keep the layout of its README: ``ntrex128/dev.jsonl``,
``flores200/devtest.jsonl``, ``flores101-systems/devtest/``, ``ant-headlines/dev.jsonl``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ENV_VAR = "SUMMARIZER_DATA"
CHECKOUT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_ROOT = CHECKOUT.parent / "shared" / "data"

# Data sets, relative to the data root.
NTREX_DEV = Path("ntrex128") / "dev.jsonl"
FLORES200_DEVTEST = Path("flores200") / "devtest.jsonl"
FLORES101_SYSTEMS = Path("flores101-systems") / "devtest"
ANT_DEV = Path("ant-headlines") / "dev.jsonl"


def data_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data root: ``explicit`` if given, else ``$SUMMARIZER_DATA``, else ``<checkout>/../shared/data``.

    The folder need not exist: callers check the files they need and say which one is missing.
    """
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return DEFAULT_DATA_ROOT


def data_path(relative: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Path:
    """``relative`` (e.g. :data:`NTREX_DEV`) below :func:`data_root` ``(root)``."""
    return data_root(root) / relative


def add_data_root_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--data-root DIR`` (stored as ``args.data_root``, ``None`` when not given) to a command line."""
    parser.add_argument(
        "--data-root",
        metavar="DIR",
        default=None,
        help=f"folder of the evaluation data sets (default: ${ENV_VAR} if set, else ../shared/data beside "
        "the checkout)",
    )
