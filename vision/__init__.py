"""Camera, tracking and kinematics: frames in, measured hands out (see `vision.pipeline`)."""
