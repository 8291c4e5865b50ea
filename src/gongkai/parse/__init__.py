"""Parse: positioned source text aligned to the official templates → a Report."""
