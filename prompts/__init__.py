"""Prompt templates as versioned files, loaded into LangChain prompt objects. No logic here."""
