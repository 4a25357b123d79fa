"""The /v1 routers; each stays a few lines per route over assistant.* services."""
