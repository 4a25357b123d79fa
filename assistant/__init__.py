"""The domain: rule catalog and check engine, grading, opinions, chat, citations, LLM factory,
review workflow."""
