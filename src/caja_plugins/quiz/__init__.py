"""The quiz activity type (to be written)."""
