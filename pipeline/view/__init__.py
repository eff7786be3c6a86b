"""A static HTML review site of annotated records (`jixiao view`): an index of the archive and
one page per document, opened from disk with no server and no network."""
