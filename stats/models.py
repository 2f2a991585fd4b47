"""Statistics (see issue « Statistics tab »)."""
