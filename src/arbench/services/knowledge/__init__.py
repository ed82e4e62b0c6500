"""Content and training: scripts' text, training notes, templates, the training center."""
