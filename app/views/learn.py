"""Learn the exercises: what to do, why, and a rendered hand doing it."""

from __future__ import annotations

import base64

import streamlit as st

from app.education import demo_clip
from app.patient import program
from app.wording import dose_text, patient_text
from exercises.library import load_library

plan = program()
library = load_library(plan.overrides)
st.title("Learn the exercises")
st.write("**Your therapist's prescription comes first**: do the exercises, dose and hand "
         "your therapist gave you, and ask them before adding anything.")

ordered = list(plan.ids) + [i for i in library if i not in plan.ids]
ex_id = st.radio("Exercise", ordered, horizontal=True,
                 format_func=lambda i: library[i].name + (" ✓" if i in plan.ids else ""),
                 help="✓ marks the exercises in your program.")
ex = library[ex_id]
prescribed = ex_id in plan.ids
st.header(ex.name)
text, clip = st.columns([3, 2])
text.write(f"**How:** {patient_text(ex.instructions)}")
text.write(f"**Why:** {patient_text(ex.purpose)} {patient_text(ex.benefit)}")
text.write(f"**{'Your' if prescribed else 'Usual'} dose:** {dose_text(ex.dose)}.")
if not prescribed:
    text.info("This exercise is not in your program. Ask your therapist before doing it.")
with clip:
    try:
        with st.spinner("Drawing the hand..."):
            path = demo_clip(ex_id)
        # The browser's own looping <video> with the clip inline (a few hundred KB): it
        # loops for as long as the page is open, where st.video's restart on "ended" did
        # not, and it starts again when another exercise is chosen.
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        st.html(f'<video class="demo-clip" src="data:video/mp4;base64,{data}" autoplay '
                'loop muted playsinline style="width:100%;border-radius:0.5rem"></video>')
        st.caption("A computer-drawn hand doing the exercise slowly, again and again.")
    except (RuntimeError, OSError) as exc:
        st.info(f"The demonstration cannot be shown here ({exc}).")
