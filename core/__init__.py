"""The bottom layer: the one settings class, the domain models every layer shares and the user-facing
error family. Imports nothing of the project."""

__version__ = "0.1.0"  # the product's version, shown by the API (health and OpenAPI)
