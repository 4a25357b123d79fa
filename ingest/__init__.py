"""Loaders and parsers: policy files -> Clause[], target tables -> Submission[].

No database, index or model here."""
