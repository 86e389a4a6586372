"""HalfSky's shared library: the few things every service needs, and nothing else."""
