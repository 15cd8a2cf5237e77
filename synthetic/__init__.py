"""Synthetic hand-exercise footage with exact joint angles (see `synthetic.render`)."""
