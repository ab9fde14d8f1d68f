"""Evaluation, bench and browser helpers of privacy-kb: used by the tests and `make bench`,
never shipped in the product package (`privacy_kb`)."""
