"""FastAPI app factory, routers, auth, request limits and the static web UI. No domain logic here."""
