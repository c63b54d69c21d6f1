"""Audio intake: decoding any common format to 16 kHz mono, checks, and speech synthesis."""
