"""The web service (FastAPI)."""
