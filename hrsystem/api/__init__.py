"""The REST API (`/api/v1/`): client systems and personal tokens, scoped reads, batch writes."""
