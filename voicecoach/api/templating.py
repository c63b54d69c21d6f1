"""The page templates and static files (a leaf of the api package, so routes import no app)."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates

from voicecoach.api.formatting import FILTERS
from voicecoach.api.navigation import safe_next
from voicecoach import vocabulary
from voicecoach.config import bundled_dir

WEB_DIR = bundled_dir("web")
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters.update(FILTERS)
templates.env.globals["safe_next"] = safe_next
templates.env.globals["vocabulary"] = vocabulary  # one source for the Dutch names of labels, roles, outcomes
