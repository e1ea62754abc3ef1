"""Reliability: bad-input corpora, fuzzing, privacy, interruption, notebook safety."""
