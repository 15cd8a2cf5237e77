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
    st.Page("views/today.py", title="Today", icon="📋", default=True),
    st.Page("views/exercise.py", title="Exercise", icon="🖐"),
    st.Page("views/analyze.py", title="Analyze a recording", icon="🎞"),
    st.Page("views/progress.py", title="My progress", icon="📈"),
    st.Page("views/learn.py", title="Learn the exercises", icon="📖"),
]
st.navigation(pages).run()
