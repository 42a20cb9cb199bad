"""The public site: the MkDocs plugin, pages, listings and feeds."""
