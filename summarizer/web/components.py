"""Choice components whose value the handler checks, not Gradio.

Gradio's ``Radio`` and ``Dropdown`` refuse a value that is not one of their choices before the
handler runs, with their own message ("Value: ... is not in the list of choices"), so an API call
to ``/summarize`` with an unknown method got that instead of the page's ``✘ **Error:**`` status.
``handler_checks`` makes one component pass such a value through to the handler (``summarize``
checks every choice and says what the choices are). The component stays the very Gradio widget
(a subclass would also make Gradio write a ``.pyi`` file beside this module).
"""

from __future__ import annotations

from typing import Any, TypeVar

Choice = TypeVar("Choice")


def handler_checks(component: Choice) -> Choice:
    """``component`` (a ``gr.Radio`` or ``gr.Dropdown``), letting a value it does not offer reach the handler."""
    offered_preprocess = component.preprocess  # type: ignore[attr-defined]

    def preprocess(payload: Any) -> Any:
        if payload is not None and not _offered(component, payload):
            return payload
        return offered_preprocess(payload)

    component.preprocess = preprocess  # type: ignore[attr-defined]
    return component


def _offered(component: Any, payload: Any) -> bool:
    try:
        return payload in [value for _, value in component.choices]
    except TypeError:  # an odd value from an API call
        return False
