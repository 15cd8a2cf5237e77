"""The Streamlit app (`app/main.py`), its pages (`app/views/`) and the live coach."""
