"""Text people typed, shown as text: never as Markdown.

Streamlit renders Markdown in st.write, st.markdown, st.info/warning/error/success,
captions and even button labels: a patient named `[x](http://evil)` would be a link on
the therapist's page, `![](http://img)` a remote image fetched by their browser,
`:red[x]` coloured text. Every name, note and message that holds what someone typed goes
through `plain()` where it is put into Markdown; tables (st.dataframe) and widget
options show text as it is.
"""

from __future__ import annotations

import re

#: every ASCII punctuation character CommonMark lets a backslash escape, and Streamlit's
#: own extras ($ for LaTeX, : for emoji shortcodes and :color[...] directives).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%@/?;,])")


def plain(text: object) -> str:
    """`text` escaped so that Markdown shows exactly these characters, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
