"""Web pages and their vendored assets."""
