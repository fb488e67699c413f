"""Curriculum files (content/curricula/) to pages: read and validate everything, then write."""
