"""Text people typed, shown as text: never as Markdown.

Streamlit renders Markdown in st.write, st.markdown, st.info/warning/error/success,
captions and even button labels: a patient named `[x](http://evil)` would be a link on
the therapist's page, `![](http://img)` a remote image fetched by their browser,
`:red[x]` coloured text. Every name, note and message that holds what someone typed goes
through `plain()` where it is put into Markdown; tables (st.dataframe) and widget
options show text as it is.

Escaping is not enough on its own: GitHub-flavoured Markdown also turns bare addresses
(http://..., www...., name@host) into links after the escapes are read. An invisible
word joiner (U+2060) after each ":" and around "@" and "www." keeps them text; it shows
nothing and changes nothing else.
"""

from __future__ import annotations

import re

_JOIN = "\u2060"
_WWW = re.compile(r"(?i)(www)\.")

#: the characters that start Markdown (CommonMark lets a backslash escape any ASCII
#: punctuation) and Streamlit's own extras ($ for LaTeX, : for emoji shortcodes and
#: :color[...] directives); the other punctuation is left as it is.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")


def plain(text: object) -> str:
    """`text` escaped so that Markdown shows exactly these characters, on one line."""
    flat = " ".join(str(text).split())
    flat = _WWW.sub(rf"\1{_JOIN}.", flat.replace(":", ":" + _JOIN).replace("@", _JOIN + "@"))
    return _SPECIAL.sub(r"\\\1", flat)
