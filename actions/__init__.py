"""Custom actions of the Social Media Policy assistant (`rasa run actions`)."""
