"""Wording analysis: the project's Dutch spaCy pipeline and its rules."""
