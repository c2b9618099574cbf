"""The web app: paste an Arabic news article, read its summary and translation side by side.

    python app.py                       # http://127.0.0.1:7860
    python app.py --port 8080 --translation-model models/opus-mt-ar-en --summary-method extractive

This file only parses options, lays out the page and wires events; the logic is in the
``summarizer.web`` package. Models are loaded once, at start-up.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence

import gradio as gr

from summarizer import render
from summarizer import web as webapp
from summarizer.options import add_model_arguments, int_range


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Web app: Arabic news article -> Arabic summary + English.")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (0.0.0.0: every interface)")
    parser.add_argument("--port", type=int_range(1, 65535), default=7860)
    add_model_arguments(parser, batch=False)
    parser.add_argument("--concurrency", type=int_range(1, 64), default=1,
                        help="articles processed at the same time (1 suits a CPU; others wait in the queue)")
    parser.add_argument("--max-queue", type=int_range(1, 10_000), default=16, help="requests allowed to wait; more are refused")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link (off by default)")
    return parser.parse_args(argv)


# Gradio keeps a copy of every download it serves: every hour, drop those older than an hour.
DELETE_CACHE = (3600, 3600)


def build_demo(state: webapp.AppState, *, concurrency: int = 1, max_queue: int = 16,
               delete_cache: tuple[int, int] = DELETE_CACHE) -> gr.Blocks:
    """The page. ``state`` holds the models, loaded once by ``webapp.load_app``."""
    with gr.Blocks(title="Arabic news summarizer", analytics_enabled=False, delete_cache=delete_cache) as demo:
        gr.Markdown(
            "# Arabic news summarizer\n"
            "Paste an Arabic news article or upload a `.txt` file: get an Arabic summary, the article "
            "translated into English sentence by sentence, and an English summary.\n\n"
            f"<small>{webapp.models_markdown(state)}</small>",
            elem_classes="app-title",
        )
        notice = webapp.notice_markdown(state)
        gr.Markdown(notice, visible=bool(notice), elem_classes="notice", elem_id="notice")

        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                article = gr.Textbox(
                    label="Arabic article · المقال", lines=12, max_lines=24, rtl=True,
                    placeholder="الصق نص المقال هنا…", elem_id="article", elem_classes="arabic",
                )
            with gr.Column(scale=1, min_width=260):
                upload = gr.File(label="…or upload a .txt file (UTF-8)", file_types=[".txt"], height=150,
                                 elem_id="upload")
                method = gr.Radio(
                    webapp.method_choices(state), value=state.default_method, label="Summary method",
                )
                long_input = gr.Radio(
                    webapp.long_input_choices(), value=state.default_long_input, label="Long articles (mT5)",
                    info="mT5 reads 512 tokens: the lead, or the whole article in chunks",
                    visible=state.pipeline.summarizer is not None,
                )
                run = gr.Button("Summarise", variant="primary", elem_id="summarize")
                clear = gr.ClearButton(value="Clear")
        seeds = webapp.examples()
        if seeds:
            gr.Examples(
                [[text] for _, text in seeds], inputs=[article], example_labels=[label for label, _ in seeds],
                label="Example articles (click one to load it)",
            )

        gr.Markdown("## Results")
        with gr.Row(equal_height=False):
            with gr.Column():
                summary_ar = gr.Textbox(
                    label="Arabic summary · الملخص", lines=4, rtl=True, buttons=["copy"], interactive=False,
                    elem_id="summary-ar", elem_classes="arabic",
                )
                summary_en = gr.Textbox(
                    label="English summary", lines=4, buttons=["copy"], interactive=False, elem_id="summary-en",
                )
            with gr.Column():
                translation = gr.Textbox(
                    label="English translation (one line per Arabic sentence)", lines=10, max_lines=20,
                    buttons=["copy"], interactive=False, elem_id="translation",
                    placeholder=None if state.translation_available else "No translation model: see the notice above.",
                )
        status = gr.Markdown("", label="Status", show_label=False, elem_classes="status", elem_id="status")
        with gr.Row():
            json_file = gr.DownloadButton("Download JSON", variant="secondary", size="sm", elem_id="download-json")
            markdown_file = gr.DownloadButton("Download Markdown", variant="secondary", size="sm",
                                              elem_id="download-md")
        gr.Markdown("### Sentence by sentence")
        aligned = gr.HTML(render.aligned_html([]), label="Aligned sentences (HTML)", elem_id="aligned",
                          js_on_load=None)
        with gr.Accordion("Full result (JSON)", open=False):
            result = gr.JSON(label="Result")

        outputs = [summary_ar, translation, summary_en, aligned, status, json_file, markdown_file, result]

        def on_summarize(text, summary_method, long_input, progress=gr.Progress()):  # noqa: B008 (Gradio idiom)
            """Summarise one Arabic article; returns the 8 outputs (the last one is the whole result as JSON)."""
            return tuple(webapp.summarize(state, text, summary_method, long_input, progress=progress))

        run.click(on_summarize, [article, method, long_input], outputs, api_name="summarize")
        upload.upload(webapp.load_file, [upload, article], [article, status], api_name="load_file",
                      api_visibility="undocumented")
        clear.add([article, upload, *outputs])
    demo.queue(default_concurrency_limit=concurrency, max_size=max_queue)
    return demo


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    state = webapp.load_app(
        args.summary_model, args.translation_model, summary_method=args.summary_method,
        long_input=args.long_input, engine=args.engine, device=args.device, quantization=args.quantization,
        vocab_restriction=args.vocab_restriction,
    )
    demo = build_demo(state, concurrency=args.concurrency, max_queue=args.max_queue)
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, max_file_size="5mb",
                **webapp.launch_style())


if __name__ == "__main__":
    main()
