"""Everything a person touches: the click CLI (`taiyaku`) and the Textual app."""
