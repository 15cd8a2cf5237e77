"""The fonts the PDF report is set in: DejaVu Sans, then whatever else a name needs.

DejaVu Sans (shipped by matplotlib) covers Latin, Greek and Cyrillic; a patient named
李小龍, محمد or Ana 👋 needs more. scripts/setup.sh installs Debian's Noto fonts
(fonts-noto-core, fonts-noto-cjk) and Symbola (emoji and symbols); for each character of
the report's text that DejaVu lacks, the first of those fonts that has it is added as a
fallback. A character no installed font has is refused in one line (ReportError) before
anything is written, rather than printed as an empty box or silently dropped.

Scripts whose letters join or reorder (Arabic, Hebrew, the Indic scripts) are shaped by
HarfBuzz (uharfbuzz, a dependency on Python 3.11 and newer, where it has wheels); without
it they print with their own glyphs but unjoined, in typed order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

DEJAVU = Path(matplotlib.get_data_path(), "fonts", "ttf")
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
SYMBOLA = Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")
#: tried first, in this order (the scripts most names are written in); then every other
#: Noto Sans script font, by name.
_FIRST = ("NotoSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari",
          "NotoSansBengali", "NotoSansThai", "NotoSansTamil", "NotoSansGurmukhi",
          "NotoSansGujarati", "NotoSansTelugu", "NotoSansKannada", "NotoSansMalayalam",
          "NotoSansSinhala", "NotoSansGeorgian", "NotoSansArmenian", "NotoSansEthiopic",
          "NotoSansKhmer", "NotoSansLao", "NotoSansMyanmar")
#: characters that lay text out rather than show anything.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufe0e\ufe0f")


class ReportError(ValueError):
    """The report cannot be made as asked; the message is one line."""


@dataclass(frozen=True)
class FontFile:
    """One font: its family name in the PDF, its files (bold may be the regular one)."""

    family: str
    regular: Path
    bold: Path
    collection: int = 0


PRIMARY = FontFile("DejaVu", DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf")


def _candidates() -> list[FontFile]:
    out = []
    for name in _FIRST:
        regular = NOTO / f"{name}-Regular.ttf"
        if regular.exists():
            bold = NOTO / f"{name}-Bold.ttf"
            out.append(FontFile(name, regular, bold if bold.exists() else regular))
    cjk = NOTO_CJK / "NotoSansCJK-Regular.ttc"
    if cjk.exists():
        bold = NOTO_CJK / "NotoSansCJK-Bold.ttc"
        out.insert(1, FontFile("NotoSansCJK", cjk, bold if bold.exists() else cjk))
    if NOTO.is_dir():
        known = {f.regular for f in out}
        for regular in sorted(NOTO.glob("NotoSans?*-Regular.ttf")):
            if regular not in known and not regular.name.startswith(("NotoSansDisplay",
                                                                      "NotoSansMono")):
                out.append(FontFile(regular.name.removesuffix("-Regular.ttf"), regular,
                                    regular))
    if SYMBOLA.exists():
        out.append(FontFile("Symbola", SYMBOLA, SYMBOLA))
    return out


@lru_cache(maxsize=256)
def _cmap(path: Path, collection: int = 0) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True, fontNumber=collection)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def fallbacks_for(texts: Iterable[str]) -> list[FontFile]:
    """The fallback fonts these texts need, in the order tried; ReportError for a
    character that no installed font has."""
    primary = _cmap(PRIMARY.regular)
    missing = sorted({ch for text in texts for ch in text
                      if ord(ch) >= 32 and ch not in _INVISIBLE and ord(ch) not in primary})
    chosen: list[FontFile] = []
    candidates = _candidates() if missing else []
    for ch in missing:
        if any(ord(ch) in _cmap(f.regular, f.collection) for f in chosen):
            continue
        found = next((f for f in candidates if ord(ch) in _cmap(f.regular, f.collection)),
                     None)
        if found is None:
            raise ReportError(f"the report cannot print {ch!r} (U+{ord(ch):04X}): no font on "
                              "this computer has it (scripts/setup.sh installs Debian's "
                              "fonts-noto-core, fonts-noto-cjk and fonts-symbola)")
        chosen.append(found)
    return chosen
