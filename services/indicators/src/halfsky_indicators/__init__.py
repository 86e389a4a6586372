"""HalfSky indicator monitoring (指标监测)."""
