"""`make bench`: HalfSky under load at province scale (data generation, load runs, analytics, report)."""
