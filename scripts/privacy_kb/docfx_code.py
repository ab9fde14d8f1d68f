"""Code taken from files: `[!code-csharp[name](Program.cs?range=1-3#tag "title")]`,
`[!notebook-python[](nb.ipynb?name=cell)]` and `:::code source=… range=… id=…:::`.

The part of the file shown follows DocFX's rules (its `CodeSnippetParser` and
`HtmlCodeSnippetRenderer`): a tag (`// <tag>` … `// </tag>`, `#region tag` … `#endregion` and
the comment forms of other languages, matched case-insensitively, with or without a `snippet`
prefix) wins over a `#L12-L16` bookmark, which wins over `start`/`end`, which wins over
`range=1-2,10,20-`; lines of other tags inside the part are left out, and the common indent is
removed (or `dedent=N` spaces). Parsing is linear in the length of the line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_SNIPPET_START = re.compile(r"^ {0,3}\[!(?P<kind>code|notebook)", re.I)
_TAG_NAME = re.compile(r"^[\w.-]+$")
TAB_STOP = 4

# Comment forms of a tag, per language family: (start, end, end names the tag).
_C_FAMILY = ("//<{}>", "//</{}>", True)
_BASIC = ("'<{}>", "'</{}>", True)
_MARKUP = ("<!--<{}>-->", "<!--</{}>-->", True)
_SQL = ("--<{}>", "--</{}>", True)
_SCRIPT = ("#<{}>", "#</{}>", True)
_BATCH = ("rem<{}>", "rem</{}>", True)
_ERLANG = ("%<{}>", "%</{}>", True)
_LISP = (";<{}>", ";</{}>", True)
_REGION = ("#region{}", "#endregion", False)
_CSS = ("/*<{}>*/", "/*</{}>*/", False)
_ALL_FAMILIES = (_BASIC, _C_FAMILY, _MARKUP, _SQL, _SCRIPT, _BATCH, _REGION, _ERLANG, _LISP, _CSS)

_ALIASES = {
    "actionscript": ["as"], "arduino": ["ino"], "assembly": ["nasm", "asm"],
    "batchfile": ["bat", "cmd"], "css": [],
    "cpp": ["c", "c++", "objective-c", "obj-c", "objc", "objectivec", "h", "hpp", "cc", "m"],
    "csharp": ["cs"], "cuda": ["cu", "cuh"], "d": ["dlang"], "everything": ["example"],
    "erlang": ["erl"], "fsharp": ["fs", "fsi", "fsx"], "go": ["golang"], "handlebars": ["hbs"],
    "haskell": ["hs"], "html": ["jsp", "asp", "aspx", "ascx"],
    "cshtml": ["aspx-cs", "aspx-csharp"], "vbhtml": ["aspx-vb"], "java": ["gradle"],
    "javascript": ["js", "node", "json"], "lisp": ["lsp"], "lua": [], "matlab": [],
    "pascal": ["pas"], "perl": ["pl"], "php": [], "powershell": ["posh", "ps1"],
    "processing": ["pde"], "python": ["py"], "r": [], "react": ["tsx"],
    "ruby": ["ru", "erb", "rb", ""], "rust": ["rs"], "scala": [], "shell": ["sh", "bash"],
    "smalltalk": ["st"], "sql": [], "swift": [], "typescript": ["ts"], "xaml": [],
    "xml": ["xsl", "xslt", "xsd", "wsdl", "csdl", "edmx"],
    "vb": ["vbnet", "vbscript", "bas", "vbs", "vba"],
}
_FAMILY_LANGUAGES = (
    (_BASIC, ["vb", "vbhtml"]),
    (_C_FAMILY, ["actionscript", "arduino", "assembly", "cpp", "csharp", "cshtml", "cuda", "d",
                 "fsharp", "go", "java", "javascript", "objectivec", "pascal", "php",
                 "processing", "react", "rust", "scala", "smalltalk", "swift", "typescript"]),
    (_MARKUP, ["xml", "xaml", "handlebars", "html", "cshtml", "php", "react", "ruby", "vbhtml"]),
    (_SQL, ["haskell", "lua", "sql"]),
    (_SCRIPT, ["perl", "powershell", "python", "r", "ruby", "shell"]),
    (_BATCH, ["batchfile"]),
    (_REGION, ["csharp", "cshtml", "vb", "vbhtml"]),
    (_ERLANG, ["erlang", "matlab"]),
    (_LISP, ["lisp"]),
    (_CSS, ["css"]),
)


def _language_names(language: str) -> list[str]:
    names = [language, *_ALIASES.get(language, [])]
    return names + ["." + name for name in names]


LANGUAGE_BY_EXTENSION = {
    name: language for language in _ALIASES for name in _language_names(language)
}
_FAMILIES_BY_LANGUAGE: dict[str, list[tuple[str, str, bool]]] = {}
for _family, _languages in _FAMILY_LANGUAGES:
    for _language in _languages:
        for _name in _language_names(_language):
            _FAMILIES_BY_LANGUAGE.setdefault(_name, [])
            if _family not in _FAMILIES_BY_LANGUAGE[_name]:
                _FAMILIES_BY_LANGUAGE[_name].append(_family)


@dataclass
class CodeRange:
    """Lines `start`..`end` of a file, 1-based and inclusive (`end` may be past the end)."""

    start: int
    end: int


@dataclass
class CodeSnippet:
    """What a `[!code…]` line or a `:::code` asks for."""

    path: str
    language: str = ""
    name: str = ""
    title: str = ""
    tag: str = ""
    bookmark: CodeRange | None = None
    start_end: CodeRange | None = None
    ranges: list[CodeRange] | None = None
    highlight: str = ""
    dedent: int | None = None
    notebook: bool = False
    problems: list[str] = field(default_factory=list)


def _number(text: str, with_l: bool) -> int | None:
    """A line number as DocFX reads it (`L12` in bookmarks); empty is 'to the end'."""
    if not text:
        return 2**31 - 1
    if with_l:
        if len(text) < 2 or text[0].upper() != "L":
            return None
        text = text[1:]
    text = text.strip()
    return int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else None


def line_range(text: str, with_l: bool = False) -> CodeRange | None:
    """`12-16`, `205-` or `9` (with `with_l`: `L12-L16`); None if it is not one."""
    if not text:
        return None
    parts = text.split("-")
    if len(parts) > 2:
        return None
    start = _number(parts[0], with_l)
    end = start if len(parts) == 1 else _number(parts[1], with_l)
    if start is None or end is None:
        return None
    return CodeRange(start, end)


def line_ranges(text: str) -> list[CodeRange] | None:
    """`1-2,10,20-` as ranges; None if any part is not a range."""
    if not text:
        return None
    ranges = [line_range(part) for part in text.split(",")]
    return None if any(part is None for part in ranges) else ranges  # type: ignore[return-value]


def parse_snippet_line(line: str) -> CodeSnippet | None:
    """The snippet a whole line asks for, or None when the line is not a code snippet."""
    start = _SNIPPET_START.match(line)
    if not start:
        return None
    position = start.end()
    notebook = start.group("kind").lower() == "notebook"
    language = ""
    if line[position : position + 1] == "-":
        end = line.find("[", position)
        if end < 0:
            return None
        language, position = line[position + 1 : end].strip(), end
    name, position = _until(line, position, "[", "]")
    if name is None:
        return None
    position = _skip_spaces(line, position)
    if line[position : position + 1] != "(":
        return None
    path, position = _path(line, position + 1)
    snippet = CodeSnippet(path, language=language, name=name, notebook=notebook)
    if line[position : position + 1] == "?":
        end = _first_of(line, position + 1, '")#')
        _query(line[position + 1 : end].strip(), snippet)
        position = end
    if line[position : position + 1] == "#":
        end = _first_of(line, position + 1, '")')
        bookmark = line[position + 1 : end].strip()
        snippet.bookmark = line_range(bookmark, with_l=True)
        if snippet.bookmark is None:
            snippet.tag = bookmark
        position = end
    if line[position : position + 1] == '"':
        title, position = _until(line, position, '"', '"')
        snippet.title = title or ""
    rest = line[position:].replace(" ", "").replace("\t", "")
    return snippet if rest == ")]" else None


def _skip_spaces(line: str, position: int) -> int:
    while line[position : position + 1] in (" ", "\t") and position < len(line):
        position += 1
    return position


def _first_of(line: str, position: int, stops: str) -> int:
    found = [index for stop in stops if (index := line.find(stop, position)) >= 0]
    return min(found, default=len(line))


def _until(line: str, position: int, opening: str, closing: str) -> tuple[str | None, int]:
    """Text between `opening` at `position` and the next unescaped `closing`."""
    if line[position : position + 1] != opening:
        return None, position
    text, index, escaped = [], position + 1, False
    while index < len(line):
        char = line[index]
        if char == "\\" and not escaped:
            escaped = True
        elif char == closing and not escaped:
            return "".join(text).strip(), index + 1
        else:
            text.append(char)
            escaped = False
        index += 1
    return None, index


def _path(line: str, position: int) -> tuple[str, int]:
    """The file path of a snippet: up to `#`, `?`, `"` or an unbalanced `)`."""
    text, depth, escaped, index = [], 0, False, position
    while index < len(line):
        char = line[index]
        if not escaped and (char in '#?"' or (char == ")" and depth <= 0)):
            break
        if char == "\\" and not escaped:
            escaped = True
        else:
            if not escaped:
                depth += (char == "(") - (char == ")")
            text.append(char)
            escaped = False
        index += 1
    return "".join(text).strip(), index


def _query(query: str, snippet: CodeSnippet) -> None:
    """`name=tag&start=5&end=9&range=1-3&highlight=2&dedent=0`; stops at the first bad item."""
    start = end = None
    for item in query.split("&") if query else []:
        key, sep, value = item.partition("=")
        if not sep or "=" in value:
            break
        key = key.lower()
        if key == "name":
            snippet.tag = value
        elif key in ("start", "end", "dedent"):
            number = _number(value, False) if value else None
            if number is None:
                break
            if key == "start":
                start = end = number
            elif key == "end":
                end = number
            else:
                snippet.dedent = number
        elif key in ("range", "highlight"):
            ranges = line_ranges(value)
            if ranges is None:
                break
            if key == "range":
                snippet.ranges = ranges
            else:
                snippet.highlight = value
        else:
            break
    if start is not None and end is not None:
        snippet.start_end = CodeRange(start, end)


# -- the part of a file a snippet shows ---------------------------------------------------------


def _match_template(line: str, template: str, names_tag: bool) -> str | None:
    """The tag name when `line` is the comment `template` (whitespace-insensitive), else None."""
    before, _, after = template.partition("{}")
    column = index = 0
    while column < len(line) and index < len(before):
        if not line[column].isspace():
            if line[column].lower() != before[index]:
                return None
            index += 1
        column += 1
    if index != len(before):
        return None
    stop = line.find(after[0], column) if after else -1
    stop = len(line) if stop < 0 else stop
    name = line[column:stop].strip().lower()
    column, index = stop, 0
    while column < len(line) and index < len(after):
        if not line[column].isspace():
            if line[column].lower() != after[index]:
                return None
            index += 1
        column += 1
    if index != len(after) or line[column:].strip():
        return None
    if names_tag and not _TAG_NAME.match(name):
        return None
    return name


def _tags(lines: list[str], family: tuple[str, str, bool]) -> tuple[dict[str, CodeRange], set[int]]:
    """Every tag of one comment family: name -> lines, and the indices of all tag lines."""
    start_template, end_template, end_names_tag = family
    found: dict[str, CodeRange] = {}
    tag_lines: set[int] = set()
    open_tags: list[str] = []
    for index, line in enumerate(lines):
        name = _match_template(line, end_template, end_names_tag)
        if name is not None:
            tag_lines.add(index)
            if not end_names_tag:
                name = open_tags.pop() if open_tags else ""
            if name in found and found[name].end == 0:
                found[name].end = index  # the first end closes it; later ones are ignored
            continue
        name = _match_template(line, start_template, True)
        if name is not None:
            tag_lines.add(index)
            found[name] = CodeRange(index + 2, 0)
            open_tags.append(name)
    return found, tag_lines


def _expand_indent(line: str) -> tuple[str, int]:
    """The line with its leading tabs as spaces, and the width of its indent."""
    width = 0
    for index, char in enumerate(line):
        if char == " ":
            width += 1
        elif char == "\t":
            width = (width + TAB_STOP) // TAB_STOP * TAB_STOP
        else:
            return " " * width + line[index:], width
    return " " * width, width


def _lines(all_lines: list[str], ranges: list[CodeRange], dedent: int | None,
           skip: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    kept: list[str] = []
    common = 2**31
    for part in ranges:
        for index in range(max(part.start - 1, 0), min(part.end, len(all_lines))):
            if index in skip:
                continue
            line = all_lines[index]
            if line == "":
                kept.append(line)
                continue
            line, width = _expand_indent(line)
            common = min(common, width)
            kept.append(line)
    remove = common if dedent is None or dedent < 0 else dedent
    out = []
    for line in kept:
        strip = 0
        while strip < min(remove, len(line)) and line[strip] == " ":
            strip += 1
        out.append(line[strip:] + "\n")
    return "".join(out)


def snippet_text(text: str, snippet: CodeSnippet, extension: str) -> str:
    """The part of `text` (a whole file) that `snippet` shows; problems go to
    `snippet.problems`."""
    if snippet.notebook and snippet.tag:
        return _notebook_cell(text, snippet)
    all_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if all_lines and all_lines[-1] == "":
        all_lines.pop()
    if snippet.tag:
        language = snippet.language or extension
        families = _FAMILIES_BY_LANGUAGE.get(language)
        if families is None:
            families = list(_ALL_FAMILIES)
        tag = snippet.tag.lower()
        for family in families:
            found, tag_lines = _tags(all_lines, family)
            part = found.get(tag) or found.get("snippet" + tag)
            if part is not None:
                return _lines(all_lines, [part], snippet.dedent, tag_lines)
        snippet.problems.append(f"tag `{snippet.tag}` not found")
        return ""
    ranges = (
        [snippet.bookmark] if snippet.bookmark
        else [snippet.start_end] if snippet.start_end
        else snippet.ranges or [CodeRange(1, len(all_lines))]
    )
    return _lines(all_lines, ranges, snippet.dedent)


def _notebook_cell(text: str, snippet: CodeSnippet) -> str:
    try:
        notebook = json.loads(text)
    except ValueError:
        snippet.problems.append("not a valid notebook")
        return ""
    cells = [
        cell for cell in (notebook.get("cells", []) if isinstance(notebook, dict) else [])
        if isinstance(cell, dict) and isinstance(cell.get("metadata"), dict)
        and cell["metadata"].get("name") == snippet.tag
    ]
    if len(cells) != 1:
        snippet.problems.append(
            f"{'several cells' if cells else 'no cell'} named `{snippet.tag}` in the notebook")
        return ""
    source = cells[0].get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)
