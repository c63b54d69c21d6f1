"""VoiceCoach: offline spoken role-play trainer for de-escalating angry customers."""

import os

# Models always load from disk; no code path may reach a model hub (also enforced by
# local_files_only=True where a model is opened).
os.environ["HF_HUB_OFFLINE"] = "1"

__version__ = "0.1.0"
__all__ = ["__version__"]
