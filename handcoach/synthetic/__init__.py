"""Synthetic hand-exercise footage with exact joint angles (see `handcoach.synthetic.render`)."""
