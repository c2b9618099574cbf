"""The app's API endpoints for the new inputs: ``/read_url`` and ``/read_file`` (through ``gradio_client``).

Each returns the article found, ready for ``/summarize``: ``{"text", "title", "source_kind",
"source"}``, or ``{"error": "..."}`` with a message fit for a user; neither raises.

No ``from __future__ import annotations`` here: Gradio reads these signatures' types at run time
to describe the endpoints (a ``FileData`` parameter is uploaded by the client).
"""

from typing import Any

import gradio as gr
from gradio.data_classes import FileData

from ..errors import InputError
from ..inputs.documents import Document, read_file
from .page import client_of
from .state import AppState
from .uploads import uploaded_file


def _as_dict(document: Document) -> dict[str, Any]:
    # No "path" key: gradio_client takes a returned dict with one for a file to download.
    return {"text": document.text, "title": document.title, "source_kind": document.source_kind,
            "source": document.source}


def url_reader(state: AppState):
    def read_url_endpoint(url: str, request: gr.Request) -> dict:
        """The article at a web address (http:// or https://): {"text", "title", "source_kind", "source"} or {"error"}."""
        try:
            # Addresses only: a path on this server is refused like any other non-address (no file
            # is read, and the message does not depend on whether it exists). Files come by upload.
            # The caller's address counts against one client's share of the fetch queue.
            return _as_dict(state.service.read_url(url, client=client_of(request)))
        except InputError as exc:
            return {"error": str(exc)}

    read_url_endpoint.__name__ = "read_url"
    return read_url_endpoint


def file_reader(state: AppState):
    def read_file_endpoint(file: FileData) -> dict:
        """The article in a .txt, .html, .docx or .pdf file (pass handle_file(path)): {"text", ...} or {"error"}."""
        try:
            real, name = uploaded_file(file)  # this request's upload, or the same refusal for any other path
            return _as_dict(read_file(real, name=name))
        except InputError as exc:
            return {"error": str(exc)}

    read_file_endpoint.__name__ = "read_file"
    return read_file_endpoint
