"""HalfSky projects (项目化管理)."""
