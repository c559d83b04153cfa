"""The wordcloud activity type (to be written)."""
