"""People in cases: victims, complainants and respondents, each a record of their own."""
