"""Printable reports."""
