"""The bottom layer: the one settings class, the domain models every layer shares and the user-facing
error family. Imports nothing of the project."""
