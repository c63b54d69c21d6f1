"""Persistence: database engine and recording files."""
