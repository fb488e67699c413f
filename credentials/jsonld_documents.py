"""JSON-LD contexts bundled with the code: signing and verifying never touch the network.

Any other URL is refused, so a credential naming an unknown context fails verification with a
clear reason instead of making the server fetch something. The files are copies of the published
contexts (see contexts/README.md for where each came from).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pyld.jsonld import JsonLdError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

CONTEXT_DIR = Path(__file__).parent / "contexts"
BUNDLED = {
    VC_V2: CONTEXT_DIR / "credentials-v2.jsonld",
    OB_V3: CONTEXT_DIR / "ob-context-3.0.3.json",
}


@functools.cache
def bundled_document(url: str) -> dict:
    return json.loads(BUNDLED[url].read_text(encoding="utf-8"))


def document_loader(extra: dict[str, dict] | None = None):
    """A pyld document loader over the bundled contexts (plus `extra`, url -> document)."""
    extra = extra or {}

    def load(url: str, options=None) -> dict:
        if url in extra:
            document = extra[url]
        elif url in BUNDLED:
            document = bundled_document(url)
        else:
            raise JsonLdError(
                f"The context {url} is not one this service knows; nothing is fetched.",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load
