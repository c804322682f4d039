"""Receivers: what other apps' changes mean for followers (filled in as features land)."""
