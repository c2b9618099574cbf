"""The server's command-line options (``summarizer serve``, ``python app.py``), without importing Gradio.

The address and port default to Gradio's own environment variables (``GRADIO_SERVER_NAME``,
``GRADIO_SERVER_PORT``), which a Hugging Face Space sets (``0.0.0.0``, 7860) to serve on its network;
elsewhere the page is served on this machine only (127.0.0.1). API keys come from ``--api-key`` or
``SUMMARIZER_API_KEYS`` (comma-separated): with none, the HTTP API is open, as the page is.

What the server takes from the network (the names it answers to, the origins whose pages may call it,
the time a request body has) is enforced by ``summarizer.web.boundary`` (its ``policy_of`` reads them).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from ..choices import int_range
from ..options import SERVE, add_option_arguments

API_KEYS_ENV = "SUMMARIZER_API_KEYS"
PUBLIC_HOSTS_ENV, CORS_ENV = "SUMMARIZER_PUBLIC_HOSTS", "SUMMARIZER_CORS"
SPACE_HOST_ENV = "SPACE_HOST"  # a Hugging Face Space's public name (user-space.hf.space), set by the Space
SHARE_HOSTS = "*.gradio.live"  # the names of --share's public links
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7860
DEFAULT_BODY_TIMEOUT_S = 60


def add_server_arguments(parser: argparse.ArgumentParser, environ: Mapping[str, str] | None = None) -> None:
    """The page's and the HTTP API's options."""
    environ = os.environ if environ is None else environ
    parser.add_argument("--host", default=environ.get("GRADIO_SERVER_NAME") or DEFAULT_HOST,
                        help="address to serve on (0.0.0.0: every interface; default: $GRADIO_SERVER_NAME "
                             f"or {DEFAULT_HOST})")
    parser.add_argument("--port", type=int_range(1, 65535),
                        default=int_range(1, 65535)(environ.get("GRADIO_SERVER_PORT") or str(DEFAULT_PORT)),
                        help=f"default: $GRADIO_SERVER_PORT or {DEFAULT_PORT}")
    add_option_arguments(parser, SERVE, environ=environ)  # the option table's, $SUMMARIZER_<NAME> their defaults
    parser.add_argument("--concurrency", type=int_range(1, 64), default=1,
                        help="articles processed at the same time, by the page and the API together "
                             "(1 suits a CPU; others wait in the queue)")
    parser.add_argument("--max-queue", type=int_range(1, 10_000), default=16,
                        help="requests allowed to wait (the page's queue; the API's, beside it); more are refused")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link (off by default)")
    parser.add_argument("--allow-private-urls", action="store_true",
                        help="let the page fetch web addresses on this machine and its private networks "
                             "(off: whoever uses the page could otherwise read your intranet through it)")
    parser.add_argument("--api-key", action="append", default=None, metavar="KEY", dest="api_keys",
                        help=f"require this key of HTTP API callers (repeat for several; also ${API_KEYS_ENV}, "
                             "comma-separated); default: no key, as the page")
    parser.add_argument("--no-api", action="store_true",
                        help="serve the page only, without the REST and LibreTranslate routes")
    parser.add_argument("--public-host", action="append", default=None, metavar="NAME", dest="public_hosts",
                        help="a name this server is reached by (repeat, or comma-separate; *.example.com: its "
                             "subdomains; '*': any name, which gives up the protection from DNS rebinding); "
                             "localhost and IP addresses always work; also $" + PUBLIC_HOSTS_ENV + " and, on a "
                             "Hugging Face Space, $" + SPACE_HOST_ENV)
    parser.add_argument("--cors", nargs="?", const="*", default=None, metavar="ORIGIN,...",
                        help="let web pages of other sites call the page's and the HTTP API from a browser: "
                             "--cors alone for any site (as LibreTranslate), or the origins allowed "
                             "(https://cms.example,...); also $" + CORS_ENV + "; default: none")
    parser.add_argument("--body-timeout", type=int_range(1, 3600), default=DEFAULT_BODY_TIMEOUT_S,
                        metavar="SECONDS", help="the time a request's body has to arrive, once its headers "
                                                f"have (default: {DEFAULT_BODY_TIMEOUT_S}); a slower one is refused")


def api_keys(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> list[str]:
    """The keys of ``--api-key`` and of ``$SUMMARIZER_API_KEYS`` together (blank ones dropped)."""
    environ = os.environ if environ is None else environ
    given = list(getattr(args, "api_keys", None) or [])
    given += environ.get(API_KEYS_ENV, "").split(",")
    return [key.strip() for key in given if key.strip()]
