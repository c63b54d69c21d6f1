"""Streaming replies: audio arrives while the trainee speaks and is transcribed phrase by phrase."""
