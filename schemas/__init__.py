"""The JSON Schemas of privacy-kb's contracts, installed as the data package
`privacy_kb.schemas` (pyproject.toml `package-dir`)."""
