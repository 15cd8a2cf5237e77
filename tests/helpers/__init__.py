"""What tests share: where the real footage is, the command line as a user runs it, and
small helpers for recording, browsers and generated hands (one module each)."""
