"""Coaching: scoring a turn with explanations, and the customer who reacts to it."""
