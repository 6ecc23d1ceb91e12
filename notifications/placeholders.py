"""Placeholders for the email templates that each business edits.

Salon admins write subjects and bodies such as
``Hello {{ client_name }}, you earned {{ points }} points``. They get named
placeholders and nothing else: no tags, filters, attribute access, comments or
includes, so a template can only show the values the sender puts in the context
and never reach settings, files, other templates or another business's data.

Syntax
------
- A placeholder is ``{{ name }}`` on one line, spaces or tabs optional inside
  the braces, ``name`` matching ``[a-z_][a-z0-9_]*`` and being one of the
  variables allowed for the message kind.
- ``{{``, ``}}``, ``{%`` and ``{#`` are always syntax and there is no escape
  for them: an email never needs to show them. A single ``{`` or ``}`` is
  ordinary text (CSS in an HTML body keeps working).
- Everything else is literal text, written out exactly as the admin typed it.

Rendering
---------
Values are turned into text with ``str()``; the caller formats numbers, money
and dates for the recipient's language first. A variable that is allowed but
absent from the context, or whose value is ``None``, renders as an empty
string, so a preview with partial sample data still works. With
``autoescape=True`` (HTML bodies) values are HTML-escaped; the admin's literal
text is not, since it is the HTML of the body.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import NoReturn

from django.utils.translation import gettext

# The openers and the closer that are syntax; a lone brace is text.
_SYNTAX = re.compile(r"\{\{|\{%|\{#|\}\}")
# What ends a placeholder: its "}}", or a line end or another opener that show it unclosed.
_CLOSER = re.compile(r"\}\}|\n|\{\{|\{%|\{#")
_PLACEHOLDER_INNER = re.compile(r"[ \t]*([a-z_][a-z0-9_]*)[ \t]*")
# Longest excerpt of an unterminated placeholder, tag or comment quoted in a message.
_EXCERPT_LENGTH = 30


class TemplateSyntaxProblem(ValueError):
    """A template that cannot be used, explained for the salon admin.

    ``token`` is the offending text as written (it starts at ``line`` and
    ``column``, both counted from 1, so an editor can highlight it); ``name``
    is the variable name when the problem is about one.
    """

    def __init__(
        self, message: str, *, token: str, line: int, column: int, name: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.name = name
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text and variable names, alternating.

    ``segments`` always has an odd length: literal, name, literal, ..., literal
    (literals may be empty), the shape of ``re.split`` with one group.
    """

    source: str
    segments: tuple[str, ...]

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(self.segments[1::2])

    def render(self, context: Mapping[str, object], *, autoescape: bool) -> str:
        parts: list[str] = []
        for index, segment in enumerate(self.segments):
            if index % 2 == 0:
                parts.append(segment)
                continue
            value = context.get(segment)
            text = "" if value is None else str(value)
            parts.append(html.escape(text) if autoescape else text)
        return "".join(parts)


def parse(text: str, allowed: Collection[str]) -> Template:
    """Validate ``text`` and return its template; raise on the first problem.

    Problems are raised in reading order, so the admin fixes them top to bottom.
    """
    allowed_names = frozenset(allowed)
    segments: list[str] = []
    position = 0
    while match := _SYNTAX.search(text, position):
        start = match.start()
        if match.group() == "}}":
            line, column = _line_and_column(text, start)
            raise TemplateSyntaxProblem(
                gettext('"}}" on line %(line)d has no matching "{{".') % {"line": line},
                token=match.group(),
                line=line,
                column=column,
            )
        if match.group() != "{{":
            _refuse_tag_or_comment(text, start)
        end = _placeholder_end(text, start)
        name = _placeholder_name(text[start:end], allowed_names, text, start)
        segments += [text[position:start], name]
        position = end
    segments.append(text[position:])
    return Template(source=text, segments=tuple(segments))


def render(
    text: str,
    context: Mapping[str, object],
    *,
    allowed: Collection[str],
    autoescape: bool,
) -> str:
    return parse(text, allowed).render(context, autoescape=autoescape)


def _placeholder_end(text: str, start: int) -> int:
    """Index just past the ``}}`` closing the placeholder opened at ``start``.

    The closer must come on the same line and before any other opener;
    otherwise the admin forgot it, and the message points at the opener.
    """
    closer = _CLOSER.search(text, start + 2)
    if closer is None:
        token = _excerpt(text, start, len(text))
    elif closer.group() == "}}":
        return closer.end()
    else:
        token = _excerpt(text, start, closer.start())
    line, column = _line_and_column(text, start)
    raise TemplateSyntaxProblem(
        gettext('Unclosed placeholder "%(token)s" on line %(line)d: close it with "}}".')
        % {"token": token, "line": line},
        token=token,
        line=line,
        column=column,
    )


def _placeholder_name(token: str, allowed: frozenset[str], text: str, start: int) -> str:
    inner = _PLACEHOLDER_INNER.fullmatch(token, 2, len(token) - 2)
    if inner is not None and inner.group(1) in allowed:
        return inner.group(1)
    line, column = _line_and_column(text, start)
    values = {"token": token, "line": line}
    if inner is not None:
        message = gettext('Unknown variable "%(token)s" on line %(line)d.') % values
    elif "|" in token:
        message = (
            gettext('"%(token)s" on line %(line)d is not allowed: filters ("|") cannot be used.')
            % values
        )
    elif "." in token:
        message = (
            gettext('"%(token)s" on line %(line)d is not allowed: dots (".") cannot be used.')
            % values
        )
    elif not token[2:-2].strip():
        message = gettext('Empty placeholder "%(token)s" on line %(line)d.') % values
    else:
        message = (
            gettext(
                '"%(token)s" on line %(line)d is not a valid placeholder: a name uses '
                "lowercase letters, digits and underscores."
            )
            % values
        )
    raise TemplateSyntaxProblem(
        f"{message} {_available(allowed)}",
        token=token,
        line=line,
        column=column,
        name=inner.group(1) if inner is not None else None,
    )


def _refuse_tag_or_comment(text: str, start: int) -> NoReturn:
    """Refuse ``{% ... %}`` and ``{# ... #}``, quoting them as written."""
    closer = "%}" if text[start + 1] == "%" else "#}"
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    close = text.find(closer, start + 2, line_end)
    token = _excerpt(text, start, line_end) if close == -1 else text[start : close + 2]
    line, column = _line_and_column(text, start)
    raise TemplateSyntaxProblem(
        gettext(
            '"%(token)s" on line %(line)d is not allowed: only {{ variable }} placeholders '
            "can be used."
        )
        % {"token": token, "line": line},
        token=token,
        line=line,
        column=column,
    )


def _available(allowed: frozenset[str]) -> str:
    if not allowed:
        return gettext("This message has no variables.")
    return gettext("Available: %(names)s.") % {"names": ", ".join(sorted(allowed))}


def _excerpt(text: str, start: int, stop: int) -> str:
    return text[start : min(stop, start + _EXCERPT_LENGTH)].rstrip()


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1
