"""Package data of privacy-kb: the base MkDocs configuration and the default taxonomy (read with
importlib.resources; see resources.py)."""
