"""Problems found in the sources: reported with file:line, counted, and fatal under --strict."""

from __future__ import annotations

from dataclasses import dataclass, field


class BuildError(Exception):
    """A problem that stops the build; its message is one line naming the file (and line)."""


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the source root
    line: int  # 1-based; 0 when the whole file is concerned
    what: str
    action: str  # what the build did about it
    # Fatal problems (an include leaving the source root, an include cycle) stop the build.
    fatal: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.what}; {self.action}"


@dataclass
class Reporter:
    """Collects problems once each, without logging: the build prints them in its summary."""

    problems: list[Problem] = field(default_factory=list)

    def warn(self, path: str, line: int, what: str, action: str) -> None:
        problem = Problem(path, line, what, action)
        if problem not in self.problems:
            self.problems.append(problem)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems)
