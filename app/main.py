"""HandCoach's Streamlit entry point (`handcoach app`): who is here, and their pages.

Without accounts (a fresh install) the patient's pages run for one person. With accounts,
nobody gets past the sign-in page without one, and each role gets only its own pages:
a page that is not in the navigation cannot be opened by its URL either.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run app/main.py` puts app/ on the path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.auth import accounts_on, sidebar_account, signed_in  # noqa: E402
from app.videos import cleaned_at_start  # noqa: E402

st.set_page_config(page_title="HandCoach", page_icon="🖐", layout="wide")


def patient_pages() -> list[st.Page]:
    return [
        st.Page("views/today.py", title="Today", icon="📋", default=True),
        st.Page("views/exercise.py", title="Exercise", icon="🖐"),
        st.Page("views/analyze.py", title="Analyze a recording", icon="🎞"),
        st.Page("views/progress.py", title="My progress", icon="📈"),
        st.Page("views/learn.py", title="Learn the exercises", icon="📖"),
    ]


def therapist_pages(admin: bool = False) -> list[st.Page]:
    pages = [
        st.Page("views/patients.py", title="Patients", icon="👥", default=True),
        st.Page("views/review.py", title="Review", icon="📈"),
        st.Page("views/prescribe.py", title="Prescribe", icon="📝"),
        st.Page("views/learn.py", title="Exercise library", icon="📖"),
    ]
    if admin:
        pages.append(st.Page("views/audit.py", title="Audit log", icon="🔍"))
    return pages


def sign_in_pages() -> list[st.Page]:
    """The sign-in page, at its own address and at every page's: a link to a page (a
    colleague's `review?patient=12`) shows the sign-in, then that page once signed in
    (if the role has it)."""
    paths = {p.url_path for p in patient_pages() + therapist_pages(admin=True)} - {""}
    return [st.Page("views/sign_in.py", title="Sign in", icon="🔑", default=True),
            *(st.Page("views/sign_in.py", title="Sign in", url_path=path)
              for path in sorted(paths))]


#: the pages' text size with "Larger text" on (a share of the browser's own): a patient
#: reads at arm's length from the laptop, often without their reading glasses.
LARGE_TEXT = 1.3


def text_size() -> None:
    """The "Larger text" switch, on every page (kept for the browser session)."""
    if st.sidebar.toggle("Larger text", key="large_text"):
        st.html(f'<style id="large-text">html {{ font-size: {LARGE_TEXT * 100:.0f}%; }}'
                "</style>")


cleaned_at_start()        # uploads a stopped server left behind are deleted
text_size()
position = "sidebar"
if not accounts_on():
    pages = patient_pages()
else:
    who = signed_in()
    if who is None:
        pages, position = sign_in_pages(), "hidden"
    else:
        sidebar_account(who)
        pages = patient_pages() if who.role == "patient" else \
            therapist_pages(admin=who.role == "admin")
st.navigation(pages, position=position).run()
