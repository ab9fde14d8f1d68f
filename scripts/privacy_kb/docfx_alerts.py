"""DocFX alerts (`> [!NOTE]` …) as Material admonitions, reusing pymdownx.quotes callouts.

pymdownx.quotes turns any `[!word]` into a callout; DocFX knows five alert types, so the
callout pattern is narrowed to those (any case, with or without a space after `>`). Anything
else, such as `> [!div class="nextstepaction"]`, stays an ordinary blockquote.
"""

from __future__ import annotations

import re

from pymdownx.quotes import QuotesProcessor, QuotesTreeprocessor

__all__ = ["DocfxAlertProcessor", "QuotesTreeprocessor"]


class DocfxAlertProcessor(QuotesProcessor):
    """A blockquote processor that makes callouts of the DocFX alert types only."""

    # Same groups as QuotesProcessor.RE_CALLOUT: (types, collapse marker, title).
    RE_CALLOUT = re.compile(
        r"[ ]{0,3}> *\[!((?i:note|tip|important|warning|caution))\]()[ \t]*()(?:\n|$)"
    )
