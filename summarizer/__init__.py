"""Arabic news: clean, split into sentences, summarise, translate to English sentence by sentence.

Names are imported lazily, so ``import summarizer.stages.split`` (or the eval scripts) does not pay
for the model stack.
"""

from importlib import import_module

__version__ = "0.1.0"
_EXPORTS = {
    "CleanedArticle": "stages.clean",
    "clean_article": "stages.clean",
    "split_sentences": "stages.split",
    "Pipeline": "pipeline",
    "Result": "result",
    "RunInfo": "result",
    "Options": "options",
    "load_stages": "loading",
    "InputError": "errors",
    "ModelLoadError": "errors",
    "OptionError": "errors",
    "ProcessingError": "errors",
    "SummarizerError": "errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
