"""The exercise library as data, rep counting, feedback and the session loop
(see `exercises.session`)."""
