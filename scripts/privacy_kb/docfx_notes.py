"""A note saying that something the article asks for is not available (a missing include, a
code sample that lives outside the source repository), as a Material warning admonition."""

from __future__ import annotations

import xml.etree.ElementTree as etree


def unavailable_note(
    element: etree.Element, title: str, before: str, code: str, after: str, kind: str
) -> None:
    """Make `element` the note, naming the thing in `<code>`."""
    element.tag = "div"
    element.set("class", f"admonition warning {kind}")
    heading = etree.SubElement(element, "p", {"class": "admonition-title"})
    heading.text = title
    paragraph = etree.SubElement(element, "p")
    paragraph.text = before
    literal = etree.SubElement(paragraph, "code")
    literal.text = code
    literal.tail = after
