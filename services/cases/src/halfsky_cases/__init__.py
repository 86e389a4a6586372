"""HalfSky rights cases (维权案件)."""
