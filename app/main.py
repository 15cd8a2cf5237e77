"""HandCoach's Streamlit entry point (`handcoach app`): the page list and shared layout."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run app/main.py` puts app/ on the path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

st.set_page_config(page_title="HandCoach", page_icon="🖐", layout="wide")

pages = [
    st.Page("pages/analyze.py", title="Analyze a recording", icon="🎞", default=True),
]
st.navigation(pages).run()
