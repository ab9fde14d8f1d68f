"""The Material theme overrides of privacy-kb, installed as the data package `privacy_kb.theme`
(pyproject.toml `package-dir`); the plugin puts this folder on the theme's search path."""
