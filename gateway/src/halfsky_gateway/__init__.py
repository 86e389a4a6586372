"""HalfSky gateway: the one public door."""
