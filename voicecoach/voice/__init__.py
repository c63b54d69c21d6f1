"""Voice measures (librosa): loudness, pitch, speaking rate and rises, against a calm baseline."""
