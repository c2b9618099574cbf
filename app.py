"""The web app of a checkout: paste an Arabic news article, read its summary and translation side by side.

    python app.py                       # http://127.0.0.1:7860 (an installed package: summarizer serve)
    python app.py --port 8080 --translation-model models/opus-mt-ar-en --summary-method extractive

The page lives in the package (``summarizer.web.server``); this file is its entry in a checkout, and the
file a Hugging Face Space runs. The same server answers the REST API (``/api/v1/...``) and the
LibreTranslate routes, described at ``/docs`` (docs/api.md).
"""

from summarizer.web.server import main

if __name__ == "__main__":
    main()
