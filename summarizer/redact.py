"""What an answer that leaves a server may say about the machine it runs on: no path, ever.

A server's callers are other people: a model is named for them by its hub id, or by its folder's name
(``opus-mt-ar-en``, never ``/home/user/models/opus-mt-ar-en``), and an error's text loses the folders of
the paths it quotes. The command line and the Python API keep what their user gave: that user is the
one who typed the path. A leaf module, below ``errors``: every layer may use it.
"""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

# A hub id as the hub spells one: ``name`` or ``owner/name`` of letters, digits, ``-``, ``_`` and ``.``.
_HUB_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)?")
# An absolute path in a sentence: ``/``, ``~/``, ``\`` or ``C:\`` starting a word (not inside an address
# such as ``https://host/a``, a ratio such as ``1/2`` or ``and/or``), up to a space, a quote or a bracket.
_PATH = re.compile(r"(?<![\w.:/\\~-])(?:~|[A-Za-z]:)?[/\\][^\s'\"`<>|,;()\[\]{}]+")


def is_hub_id(model: str) -> bool:
    """Whether ``model`` reads as a hub id, not a folder: hub-id characters, at most one ``/``, and no
    folder of that name here (``models/opus-mt-ar-en`` may be either: the folder wins, as it does when
    the model is loaded)."""
    return bool(_HUB_ID.fullmatch(model)) and not Path(model).exists()


def folder_name(path: str) -> str:
    """The last component of a folder or file path (``/a/b/opus-mt-ar-en/`` -> ``opus-mt-ar-en``); a
    path with no name of its own (``.``, ``~``) is named by the folder it stands for."""
    name = PureWindowsPath(path.rstrip("/\\")).name if "\\" in path else Path(path.rstrip("/")).name
    if name in ("", ".", "..", "~"):
        name = Path(path).expanduser().resolve().name
    return name or "model"


def public_model_id(model: str | None, converted_from: str | None = None) -> str | None:
    """What an answer to other people calls a model: the hub id it was given as, the hub id a CTranslate2
    export was converted from (``converted_from``: its export information's ``source_model``), or else its
    folder's name only. A named choice (``fast``) is its hub id by the time a model is loaded
    (``options.translation_model_id``)."""
    if not model:
        return model
    if converted_from and is_hub_id(converted_from):
        return converted_from
    return model if is_hub_id(model) else folder_name(model)


def without_paths(text: str) -> str:
    """``text`` with each absolute path it quotes cut to its last component: an OSError's
    ``No such file or directory: '/root/.cache/x/model.bin'`` says ``'model.bin'``."""
    return _PATH.sub(lambda match: _last_part(match.group()), text)


def _last_part(path: str) -> str:
    trailing = path[len(path.rstrip(".")):]  # a sentence's full stop after the path stays outside it
    parts = [part for part in re.split(r"[/\\]", path.rstrip(".")) if part]
    return (parts[-1] if parts else "") + trailing
