"""Evidence attached to cases: files on disk (or another store), size- and type-checked, checksummed."""
