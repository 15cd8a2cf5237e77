"""HandCoach beyond the frame path: the analysis of a recorded video and the command line
(here), the results store (`storage`), accounts and scoped access (`accounts`), the
therapist's review and report (`review`), and synthetic footage (`synthetic`)."""
