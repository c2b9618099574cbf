"""The page's file boundary: the only server files a request can make it read are that request's uploads.

Gradio gives a handler a ``FileData`` whose ``path`` the client wrote. A page started with
``launch()`` has Gradio check that such a path lies in its upload folder; a page mounted into
another app (``summarizer serve`` mounts it beside the REST API) skips that check, because Gradio
ties it to ``launch()``, so any visitor could name any file of the server (``/etc/passwd``,
``/proc/self/environ`` and its API keys, ``/dev/zero``). Two locks, each enough alone, so that a
new event or API function inherits both without doing anything:

- ``guard_uploads(demo)`` turns Gradio's own check on for every function of the page: a path outside
  the upload folder (after links are resolved) is refused before Gradio copies or reads a byte of it.
- ``uploaded_file(value)`` is what every handler that reads a file calls: a regular file inside the
  upload folder (links resolved), or one message, the same whether the path exists or not, so that an
  answer never tells which server files exist.

The packaged examples are read by index (``examples.py``), never by a path a client gives.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..errors import InputError

NOT_AN_UPLOAD = "No file was received: upload a .txt, .html, .docx or .pdf file."


def upload_folder() -> Path:
    """Where Gradio writes this process's uploads (``GRADIO_TEMP_DIR``, else the system's temp folder)."""
    from gradio.utils import get_upload_folder

    return Path(os.path.realpath(get_upload_folder()))


def own_upload_folder() -> Path | None:
    """Give this process an upload folder of its own (``GRADIO_TEMP_DIR``) unless one was set: Gradio's
    default, ``$TMPDIR/gradio``, is shared by every Gradio app of the machine, whose files a visitor could
    then name and the size cap would sweep. Returns the folder made (the caller removes it at the end)."""
    if os.environ.get("GRADIO_TEMP_DIR"):
        return None
    folder = Path(tempfile.mkdtemp(prefix="summarizer-uploads-"))
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def guard_uploads(demo: Any) -> None:
    """Have Gradio refuse, for every function of ``demo``, a file path that is not an upload.

    Gradio checks a ``FileData`` path against its upload folder only once the page "has launched";
    ``gr.mount_gradio_app`` never sets that, so the check is off on a mounted page. Setting the flag
    is what Gradio itself does for a page it swaps into a running server (``utils.swap_blocks``).
    """
    demo.has_launched = True


def uploaded_file(value: object) -> tuple[Path, str]:
    """(the file's real path, the name its user gave it) for a file uploaded to this page.

    ``value``: a path, or Gradio's ``FileData`` (an object or its dict). Anything else, a path outside
    the upload folder (also through a link, or ``..``), a folder, a device, a FIFO or a missing file
    raises the same ``InputError`` (code ``no-upload``).
    """
    path, name = _path_and_name(value)
    refused = InputError(NOT_AN_UPLOAD, code="no-upload")
    if not path:
        raise refused
    try:
        real = Path(os.path.realpath(path))
        mode = os.stat(real).st_mode
    except (OSError, ValueError):  # missing, unreadable, a NUL in the path: said as for any other path
        raise refused from None
    folder = upload_folder()
    if real == folder or not real.is_relative_to(folder) or not stat.S_ISREG(mode):
        raise refused
    return real, Path(name).name if name else real.name


def _path_and_name(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value), None
    data = value if isinstance(value, dict) else getattr(value, "model_dump", lambda: {})()
    path, name = data.get("path"), data.get("orig_name")
    return (path if isinstance(path, str) else None), (name if isinstance(name, str) else None)


# -- the upload folder's size ------------------------------------------------------------------------------
# Gradio removes what it cached after an age (server.DELETE_CACHE), but any visitor can upload: without a
# size cap, a flood of 20 MB uploads fills the disk within that age. Every CACHE_SWEEP_S seconds the
# oldest files go until the folder holds at most CACHE_MAX_BYTES.
CACHE_MAX_BYTES = 1024**3
CACHE_SWEEP_S = 10.0


def cap_folder(folder: Path, max_bytes: int) -> int:
    """Remove the oldest files under ``folder`` until the rest take at most ``max_bytes``; how many went."""
    files = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            try:
                info = path.lstat()
            except OSError:  # removed meanwhile
                continue
            files.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in files)
    removed = 0
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    return removed


def cache_sweeper(folder: Path | None = None, max_bytes: int = CACHE_MAX_BYTES, every: float = CACHE_SWEEP_S):
    """A FastAPI lifespan that keeps ``folder`` (Gradio's upload folder) under ``max_bytes`` while the app runs."""
    from contextlib import asynccontextmanager

    import anyio

    @asynccontextmanager
    async def lifespan(app):
        async def sweep() -> None:
            while True:
                await anyio.to_thread.run_sync(cap_folder, folder or upload_folder(), max_bytes)
                await anyio.sleep(every)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(sweep)
            yield
            tasks.cancel_scope.cancel()

    return lifespan
