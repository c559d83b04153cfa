"""The poker activity type (to be written)."""
