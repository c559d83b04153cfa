"""The poll activity type (to be written)."""
