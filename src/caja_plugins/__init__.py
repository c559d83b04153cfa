"""Caja's built-in activity types, each an entry point of the ``caja`` group."""
