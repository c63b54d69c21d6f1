"""Speech recognition: the bundled Whisper model and Dutch transcription."""
