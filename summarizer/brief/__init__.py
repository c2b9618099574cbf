"""A bilingual brief of one result: its title and source, the Arabic and English summaries, the article as a
two-column table (Arabic right to left | English) with what the checks found on the English and the
sentences the model was unsure of marked in words, then the models and their licences.

``write_brief(result, "brief.docx")`` writes it as .docx, .html or .md (by the suffix; ``formats``: the
registry), never half a file; ``summarizer run ARTICLE -o brief.docx`` on the command line.
"""

from __future__ import annotations

from . import to_docx, to_html, to_markdown  # noqa: F401  (each registers its format)
from .content import Brief, Row, build_brief
from .formats import BRIEF_FORMATS, BriefFormat, brief_format, register_brief_format
from .write import brief_filename, check_brief_path, safe_name, write_brief

__all__ = ["BRIEF_FORMATS", "Brief", "BriefFormat", "Row", "brief_filename", "brief_format", "build_brief",
           "check_brief_path", "register_brief_format", "safe_name", "write_brief"]
