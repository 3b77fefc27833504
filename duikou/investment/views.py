"""Investment pages (filled in below)."""
