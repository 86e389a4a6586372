"""Protection of victims' data: field encryption, keyed hashes, masking and the access log."""
