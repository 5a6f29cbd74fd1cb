"""Rasa input channels of the project (referenced by module path in credentials.yml)."""
