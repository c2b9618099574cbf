"""Every error the package raises on purpose, each with a message meant to be shown as is (no traceback).

Kept in one leaf module so that any layer can raise or catch them without importing another layer.
"""

from __future__ import annotations

from .redact import public_model_id, without_paths

# Surfaces an error is shown on: the Python API (``str(exc)``), the command line, the web page, the HTTP
# API (the REST and LibreTranslate routes: the page's words, except where the page names itself).
PYTHON, CLI, PAGE, API = "python", "cli", "page", "api"


class SummarizerError(Exception):
    """Base class: every error the package raises on purpose carries a readable message.

    ``code`` names the error for code that must tell errors apart (never their text); ``message(surface)``
    says it in the words of a surface: the command line names flags, the page names what is on it, the
    Python API (``str(exc)``) names keyword arguments.
    """

    code: str | None = None

    def message(self, surface: str = PYTHON) -> str:
        return str(self)




class InputError(SummarizerError, ValueError):
    """The article cannot be processed as given (empty, not Arabic, too long, not UTF-8...)."""

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.code = code


# How to get past a too-long text, by surface.
_TOO_LONG_ADVICE = {PYTHON: "Split it, or raise the limit with max_chars=.",
                    CLI: "Split it, or raise the limit with --max-chars.",
                    PAGE: "Shorten it, or split it into several articles.",
                    API: "Shorten it, or split it into several articles."}


class ArticleTooLong(InputError):
    """The article is over the size limit (``chars``, ``limit``)."""

    def __init__(self, chars: int, limit: int):
        self.chars, self.limit = chars, limit
        super().__init__(self.message(PYTHON), code="too-long")

    def message(self, surface: str = PYTHON) -> str:
        where = {PAGE: "this page takes at most", API: "this server takes at most"}.get(surface, "over the limit of")
        return (f"The article has {self.chars:,} characters, {where} {self.limit:,}. "
                f"{_TOO_LONG_ADVICE.get(surface, _TOO_LONG_ADVICE[PYTHON])}")


class ProcessingError(InputError):
    """The article passed the input checks but a stage failed on it (the message says which error).

    A subclass of ``InputError`` so that callers who handle bad articles handle these too; the
    original exception is its ``__cause__``.
    """


class ServerBusy(SummarizerError):
    """A server's articles in work and waiting are at their limit: try again after ``retry_after`` seconds."""

    code = "busy"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"The server is busy: every place in its queue is taken. Try again in {retry_after} s.")


class OptionError(SummarizerError, ValueError):
    """An option has a value outside its choices or range; the message lists what is allowed."""


class BadChoice(OptionError):
    """An option's value is not one of its choices: said with the option's name as each surface knows
    it (``summary_method`` to Python and API callers, ``--summary-method`` on the command line, "summary
    method" on the page), and the choices."""

    def __init__(self, option: str, value: object, allowed: list[str]):
        self.option, self.value, self.allowed = option, value, allowed
        super().__init__(self.message(PYTHON))

    def message(self, surface: str = PYTHON) -> str:
        choices = ", ".join(self.allowed)
        if surface in (PAGE, API):  # the page names what it shows; an API caller, the field it sent
            name = self.option.replace("_", " ") if surface == PAGE else f"`{self.option}`"
            return f"Unknown {name} {self.value!r}: choose one of {choices}."
        name = "--" + self.option.replace("_", "-") if surface == CLI else self.option
        return f"{name} must be one of {choices}, not {self.value!r}"


class ModelLoadError(SummarizerError, RuntimeError):
    """A model could not be loaded; the message names the model, says why and what to do.

    ``advice`` is either words or a code of ``MODEL_ADVICE`` (``"download-hub"``, ``"check-folder"``),
    rendered per surface with the role's option (``--summary-model`` on the command line,
    ``summary_model=`` in Python); ``advice_code`` keeps the code (None for words of the caller's).
    """

    code = "model-load"

    def __init__(self, role: str, model: str, reason: str, advice: str):
        self.role, self.model, self.reason = role, model, reason
        self.advice_code = advice if advice in MODEL_ADVICE else None
        self._advice = advice
        super().__init__(self.message(PYTHON))

    @property
    def advice(self) -> str:
        return self.advice_for(PYTHON)

    def advice_for(self, surface: str) -> str:
        if self.advice_code is None:
            return self._advice
        flag = f"--{self.role}-model"
        option = flag if surface == CLI else f"{self.role}_model= ({flag} on the command line)"
        return MODEL_ADVICE[self.advice_code].format(model=self.model, option=option,
                                                     short=self.model.rstrip("/").split("/")[-1],
                                                     default=DEFAULT_MODELS.get(self.role, self.model))

    def message(self, surface: str = PYTHON) -> str:
        """The Python and command-line words name the model as its user gave it; the page's and the API's,
        read by other people, name it by hub id or folder name and quote no path of this machine."""
        if surface in (PAGE, API):
            return (f"Could not load the {self.role} model '{public_model_id(self.model)}': "
                    f"{without_paths(self.reason)}. {self.advice_for(surface)}")
        return f"Could not load the {self.role} model '{self.model}': {self.reason}. {self.advice_for(surface)}"


# The package's default models by role (options.DEFAULT_SUMMARY_MODEL... are these).
DEFAULT_MODELS = {"summary": "csebuetnlp/mT5_multilingual_XLSum",
                  "translation": "Helsinki-NLP/opus-mt-tc-big-ar-en"}
MODEL_ADVICE = {
    "download-hub": ("On a machine with a network, download it (`hf download {model} --local-dir models/{short}`) "
                     "and pass that folder as {option}, or copy a filled Hugging Face cache (HF_HOME) here and set "
                     "HF_HUB_OFFLINE=1."),
    "check-folder": ("Check the folder given as {option}: it must hold config.json, the weights and the tokenizer "
                     "files (e.g. `hf download {default} --local-dir DIR` on a machine with a network)."),
    "check-native": ("Check what was given as {option}: a CTranslate2 model needs model.bin, its vocabulary files "
                     "and its SentencePiece models (src.spm.model and tgt.spm.model, or one shared "
                     "sentencepiece.model); an Argos Translate package is the .argosmodel file or its unpacked "
                     "folder."),
}


class IncompleteModel(ModelLoadError):
    """A CTranslate2-native model (a CTranslate2 folder with SentencePiece models, an Argos Translate
    package) lacks a file it cannot run without; ``missing`` says which: ``"model"`` (``model.bin`` or its
    vocabulary), ``"sentencepiece"`` (its SentencePiece models) or ``"package"`` (an unreadable package)."""

    code = "model-incomplete"

    def __init__(self, role: str, model: str, reason: str, missing: str):
        self.missing = missing
        super().__init__(role, model, reason, "check-native")


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


class OutputExists(OutputError):
    """A file to write is already there and replacing it was not asked for (``--overwrite`` on the command
    line, ``overwrite=True`` in Python): a document a user may have edited is never replaced unasked."""

    code = "output-exists"

    def __init__(self, path: str):
        self.path = path
        super().__init__(self.message(PYTHON))

    def message(self, surface: str = PYTHON) -> str:
        how = "add --overwrite" if surface == CLI else "pass overwrite=True"
        return f"{self.path}: already exists: {how} to replace it, or name another file."


class OutputFormatUnknown(OutputError):
    """A file to write has a suffix no writer of its kind knows (``suffixes``: the ones that are known)."""

    code = "output-format"

    def __init__(self, path: str, what: str, suffixes: list[str]):
        self.path, self.what, self.suffixes = path, what, suffixes
        super().__init__(f"{path}: a {what} is written as {', '.join(suffixes)}: name a file with one of these "
                         "suffixes.")


class OutputIsInput(OutputError):
    """The file to write is the input being read (also through a link): writing it would destroy the input."""

    code = "output-is-input"

    def __init__(self, path: str):
        self.path = path
        super().__init__(f"{path}: is the input itself: write to another file.")


class OutputNotWritable(OutputError):
    """The file to write cannot be made there: its folder is missing or read-only, or the name is a folder."""

    code = "output-not-writable"

    def __init__(self, path: str, why: str):
        self.path, self.why = path, why
        super().__init__(f"{path}: cannot be written ({why}): name a file in a folder you can write to.")


# Why a document cannot be translated into a document of its own kind (``DocumentRefused.code``).
DOCUMENT_ENCRYPTED = "document-encrypted"  # a password-protected Word file (an OLE2 container, not a zip)
DOCUMENT_OLD_FORMAT = "document-old-format"  # a binary .doc of Word 97-2003
DOCUMENT_TOO_BIG = "document-too-big"  # over the size limits of a document (the .docx bomb limits too)
DOCUMENT_DAMAGED = "document-damaged"  # not the format its name says, or broken
DOCUMENT_UNREADABLE = "document-unreadable"  # its reader refused it: a scanned PDF, a text that is not UTF-8...
DOCUMENT_FORMAT = "document-format"  # no writer for this kind of file


class DocumentRefused(InputError):
    """A document that cannot be written back translated: ``code`` is one of the ``DOCUMENT_*`` codes above;
    the message names the file and says what to do (how to convert it, remove its password...)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)


class OverBudget(InputError):
    """A request whose work is over a server's budget per request, refused before any work.

    ``cost``: what the request would cost (``service.Budget``: each sentence's characters plus an overhead,
    times the beams), ``limit``: the most one request may cost; ``texts``, ``sentences``, ``chars``,
    ``beams``: what it asked for. Refused rather than queued: its work would hold a slot every other
    request waits for.
    """

    def __init__(self, cost: int, limit: int, *, texts: int, chars: int, beams: int, sentences: int = 0):
        self.cost, self.limit, self.texts, self.chars, self.beams = cost, limit, texts, chars, beams
        self.sentences = sentences
        super().__init__(self.message(PYTHON), code="over-budget")

    def message(self, surface: str = PYTHON) -> str:
        what = (f"{self.texts:,} text{'s' if self.texts != 1 else ''} of {self.chars:,} characters in all, "
                f"{self.sentences:,} sentence{'s' if self.sentences != 1 else ''}")
        cost = (f"The request is too large to run at once: {what}, at {self.beams} beams, cost {self.cost:,} "
                f"(characters plus a sentence's overhead, times the beams); this server takes at most "
                f"{self.limit:,} a request.")
        if surface == PAGE:  # the page has one article and no beam size to choose
            return f"{cost} Shorten the article, or split it into several articles."
        beams = "`num_beams`" if surface == API else "num_beams="
        return f"{cost} Send fewer or shorter texts (fewer lines) per request, or fewer beams ({beams})."


class TooManyBeams(InputError):
    """A beam size over a server's limit (``limit``): each beam multiplies a model's work."""

    def __init__(self, beams: int, limit: int):
        self.beams, self.limit = beams, limit
        super().__init__(self.message(PYTHON), code="too-many-beams")

    def message(self, surface: str = PYTHON) -> str:
        name = "num_beams=" if surface == PYTHON else "`num_beams`"
        return (f"{name}{self.beams} is over this server's limit of {self.limit} beams: each beam multiplies "
                f"the work, for little gain past a few. Use 1 to {self.limit}.")


class Cancelled(SummarizerError):
    """Work stopped at a batch boundary because no one waits for it any more (its client left)."""

    code = "cancelled"

    def __init__(self) -> None:
        super().__init__(self.message(PYTHON))

    def message(self, surface: str = PYTHON) -> str:
        if surface == PAGE:  # the page's Stop (or a new article) stopped it
            return "Stopped: the summary was cancelled before it was done, and nothing was changed."
        return "The work was stopped: whoever asked for it is no longer waiting for the answer."


class FetchBusy(ServerBusy, InputError):
    """Web addresses being fetched and waiting are at their limit, server-wide, or for one client
    (``client_limit``: the most fetches one client may have at once). Also an ``InputError``: every
    surface that shows why an address could not be read shows this message the same way."""

    code = "fetch-busy"

    def __init__(self, retry_after: int, client_limit: int | None = None):
        self.retry_after, self.client_limit = retry_after, client_limit
        if client_limit is None:
            message = (f"The server is fetching as many web addresses as it can, and its queue of addresses is "
                       f"full. Try again in {retry_after} s.")
        else:
            message = (f"You already have {client_limit} web address{'es' if client_limit != 1 else ''} being "
                       f"fetched, the most one client may have at once. Try again when one is done "
                       f"(in about {retry_after} s).")
        SummarizerError.__init__(self, message)
