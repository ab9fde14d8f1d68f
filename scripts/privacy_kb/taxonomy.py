"""Load and validate the editorial taxonomy (data/taxonomy.yml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .model import ArticleScope, DeploymentType, Facet, Taxonomy
from .problems import BuildError

TAXONOMY_FILE = "taxonomy.yml"
# libyaml's safe loader when PyYAML has it (a taxonomy scoping a thousand articles is read in
# milliseconds, not a second), else the pure-Python one: the same documents, the same errors.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read the taxonomy; any mistake is a BuildError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"{path}: taxonomy file not found") from None
    except UnicodeDecodeError as error:
        raise BuildError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise BuildError(f"{path}{line}: invalid YAML: {getattr(error, 'problem', error)}") from None
    try:
        return _taxonomy_from(data)
    except (KeyError, TypeError, ValueError) as error:
        # The node tree (for the line) only when there is a mistake: composing is slow.
        node = yaml.compose(text, Loader=_SafeLoader)
        raise BuildError(f"{path}:{_line_of(node, error)}: {_describe(error)}") from None


def _taxonomy_from(data: Any) -> Taxonomy:
    if not isinstance(data, dict):
        raise TypeError("the taxonomy must be a mapping with deployment_types and facets")
    types = tuple(
        DeploymentType(
            id=_slug(item["id"]),
            name=str(item["name"]),
            aliases=_terms(item, "aliases"),
            summary=str(item.get("summary", "")),
            specializes=item.get("specializes"),
            phrase=str(item.get("phrase", "")),
            scope=_terms(item, "scope"),
        )
        for item in data["deployment_types"]
    )
    facets = tuple(
        Facet(
            id=_slug(item["id"]),
            name=str(item["name"]),
            question=_template(item["question"], "{type}"),
            general_question=str(item["general_question"]),
            triggers=_terms(item, "triggers"),
            subjects=_terms(item, "subjects"),
            unless=_terms(item, "unless"),
        )
        for item in data["facets"]
    )
    _unique("deployment type", [t.id for t in types])
    _unique("facet", [f.id for f in facets])
    type_ids = {t.id for t in types}
    for deployment_type in types:
        if deployment_type.specializes and deployment_type.specializes not in type_ids:
            raise ValueError(f"{deployment_type.id} specializes unknown type {deployment_type.specializes!r}")
    articles = tuple(
        ArticleScope(path=str(item["path"]), types=tuple(_slug(t) for t in item["types"]))
        for item in data.get("articles", ())
    )
    for scope in articles:
        unknown = [t for t in scope.types if t not in type_ids]
        if unknown:
            raise ValueError(f"{scope.path} names unknown deployment type {unknown[0]!r}")
    meta_sentences = _patterns(data, "meta_sentences")
    context_patterns = _patterns(data, "context_patterns")
    return Taxonomy(
        deployment_types=types,
        facets=facets,
        section_question=_template(data.get("section_question", "{heading}"), "{heading}"),
        section_questions=_section_questions(data.get("section_questions", ())),
        navigation_headings=tuple(str(h) for h in data.get("navigation_headings", ())),
        articles=articles,
        meta_sentences=meta_sentences,
        context_openers=tuple(str(word) for word in data.get("context_openers", ())),
        context_patterns=context_patterns,
    )


def _terms(item: dict[str, Any], key: str) -> tuple[str, ...]:
    """A list of wordings (a bare string would be read letter by letter: refuse it)."""
    value = item.get(key, ())
    if not isinstance(value, list | tuple):
        raise ValueError(f"{key} of {item.get('id', '?')!r} must be a list, like [{value!r}]")
    terms = tuple(str(term) for term in value)
    if any(not term.strip("* ") for term in terms):
        raise ValueError(f"{key} of {item.get('id', '?')!r} has an empty term")
    return terms


def _patterns(data: dict[str, Any], key: str) -> tuple[str, ...]:
    """A list of Python regular expressions; a bad one names itself."""
    patterns = tuple(str(pattern) for pattern in data.get(key, ()))
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{key} pattern {pattern!r}: {error}") from None
    return patterns


def _section_questions(items: Any) -> tuple[tuple[str, str], ...]:
    """`section_questions`: [{match: regex on the whole heading, question: "… {group} …"}]."""
    pairs = []
    for item in items:
        pattern, question = str(item["match"]), str(item["question"])
        try:
            groups = set(re.compile(pattern).groupindex)
        except re.error as error:
            raise ValueError(f"section_questions pattern {pattern!r}: {error}") from None
        named = set(re.findall(r"\{(\w+)\}", question)) - {"heading"}
        if named - groups:
            raise ValueError(f"section_questions question {question!r} names "
                             f"{sorted(named - groups)[0]!r}, which {pattern!r} does not capture")
        pairs.append((pattern, question))
    return tuple(pairs)


def _slug(value: Any) -> str:
    text = str(value)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", text):
        raise ValueError(f"id {text!r} must be lowercase words joined by '-'")
    return text


def _template(value: Any, placeholder: str) -> str:
    text = str(value)
    if placeholder not in text:
        raise ValueError(f"{text!r} must contain {placeholder}")
    return text


def _unique(what: str, ids: list[str]) -> None:
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate {what} id {duplicates[0]!r}")


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing key {error.args[0]!r}"
    return str(error)


def _line_of(node: yaml.Node | None, error: Exception) -> int:
    """Best line for an error: the offending key or value when we can find it, else line 1."""
    needle = str(error.args[0]) if error.args else ""
    best = 1
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode) and current.value and current.value in needle:
            best = current.start_mark.line + 1
            break
        if isinstance(current, yaml.MappingNode):
            stack.extend(v for pair in reversed(current.value) for v in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return best
