"""Idempotency-Key handling for creating requests: a retried request gets the first response back."""
