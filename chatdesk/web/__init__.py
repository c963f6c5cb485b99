"""HTTP pages and endpoints."""
