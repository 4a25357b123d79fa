"""Datasets, metrics, benchmark runners and the `jixiao eval` commands. Never imported by product code."""
