"""Optional integrations with third-party frameworks; each module needs its own extra."""
