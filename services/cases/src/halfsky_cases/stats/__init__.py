"""Statistics: the human-facing figures (GET /cases/stats) and the indicator feed (GET /cases/stats/feed)."""
