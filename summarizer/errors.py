"""Every error the package raises on purpose, each with a message meant to be shown as is (no traceback).

Kept in one leaf module so that any layer can raise or catch them without importing another layer.
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class: every error the package raises on purpose carries a readable message."""


class InputError(SummarizerError, ValueError):
    """The article cannot be processed as given (empty, not Arabic, too long, not UTF-8...)."""


class ProcessingError(InputError):
    """The article passed the input checks but a stage failed on it (the message says which error).

    A subclass of ``InputError`` so that callers who handle bad articles handle these too; the
    original exception is its ``__cause__``.
    """


class OptionError(SummarizerError, ValueError):
    """An option has a value outside its choices or range; the message lists what is allowed."""


class ModelLoadError(SummarizerError, RuntimeError):
    """A model could not be loaded; the message names the model, says why and what to do."""

    def __init__(self, role: str, model: str, reason: str, advice: str):
        self.role, self.model, self.reason, self.advice = role, model, reason, advice
        super().__init__(f"Could not load the {role} model '{model}': {reason}. {advice}")


class ConversionError(SummarizerError):
    """A CTranslate2 export could not be written (output folder in the way, unsupported model...)."""


class GpuUnusable(SummarizerError, RuntimeError):
    """CTranslate2 sees the GPU but cannot compute on it (its CUDA libraries are missing)."""

    advice = (
        "CTranslate2's wheels need CUDA 12's cuBLAS (libcublas.so.12, libcublasLt.so.12), also on a CUDA 13 "
        "driver: `pip install 'arabic-news-summarizer[gpu]'` installs it and the package loads it by itself; "
        "or use the GPU through PyTorch with `--engine transformers` (Python: engine='transformers'), "
        "or run on the CPU with `--device cpu`."
    )


class RayUnavailable(SummarizerError):
    """``--ray`` was asked for but Ray is not installed."""


class InputChanged(InputError):
    """A shard no longer holds the ids it was planned with: INPUT was rewritten while the job ran."""


class WorkerSetupError(SummarizerError):
    """A worker could not build its pipeline (a model it cannot load): no shard can run.

    Built from a message alone, so that it survives Ray's pickling (``ModelLoadError`` does not).
    """


class ClusterUnreachable(SummarizerError):
    """``--ray-address`` names a host and port where nothing answers."""


class OutputError(SummarizerError):
    """Where results go is unusable: a batch OUTPUT that is a folder, read-only, on a full disk, or held by
    another job; a standard output whose encoding cannot write Arabic."""


class OutputBusy(OutputError):
    """Another batch is writing the same OUTPUT now (it holds the lock file beside it)."""
