"""The web UI's views, one module per page family; each is thin over core services."""
