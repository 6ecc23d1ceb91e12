import html
import os
from decimal import Decimal

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from notifications import placeholders
from notifications.placeholders import Template, TemplateSyntaxProblem, parse, render

ALLOWED = ("client_name", "points", "business_name", "reward")


@pytest.fixture(autouse=True, scope="module")
def _settings_for_gettext() -> None:
    # Messages go through gettext, which reads settings: the project's pytest-django
    # setup provides them, a bare run of this file does not.
    if not settings.configured and "DJANGO_SETTINGS_MODULE" not in os.environ:
        settings.configure(USE_I18N=False)


def _problem(text: str) -> TemplateSyntaxProblem:
    with pytest.raises(TemplateSyntaxProblem) as raised:
        parse(text, ALLOWED)
    return raised.value


def _offset(text: str, line: int, column: int) -> int:
    return sum(len(previous) + 1 for previous in text.split("\n")[: line - 1]) + column - 1


# Rendering


def test_placeholders_are_replaced_by_their_context_values() -> None:
    template = parse("Hello {{ client_name }}, you earned {{ points }} points.", ALLOWED)

    text = template.render({"client_name": "Olena", "points": 120}, autoescape=False)

    assert text == "Hello Olena, you earned 120 points."


def test_spaces_and_tabs_inside_the_braces_are_optional() -> None:
    template = parse("{{points}}|{{ points }}|{{\tpoints  }}", ALLOWED)

    text = template.render({"points": 5}, autoescape=False)

    assert text == "5|5|5"


def test_html_body_escapes_values_but_keeps_the_admins_markup() -> None:
    template = parse("<p>Hello <b>{{ client_name }}</b></p>", ALLOWED)

    body = template.render({"client_name": 'Ann <script>alert("x")</script> & Co'}, autoescape=True)

    assert body == (
        "<p>Hello <b>Ann &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</b></p>"
    )


def test_plain_text_subject_keeps_values_as_they_are() -> None:
    template = parse("{{ business_name }}: your reward", ALLOWED)

    subject = template.render({"business_name": "Nails & <Co>"}, autoescape=False)

    assert subject == "Nails & <Co>: your reward"


def test_allowed_variable_missing_from_the_context_or_none_renders_empty() -> None:
    template = parse("[{{ client_name }}][{{ reward }}]", ALLOWED)

    text = template.render({"reward": None}, autoescape=True)

    assert text == "[][]"


def test_values_that_are_not_text_are_rendered_with_str() -> None:
    template = parse("{{ points }} / {{ reward }}", ALLOWED)

    text = template.render({"points": 7, "reward": Decimal("12.50")}, autoescape=False)

    assert text == "7 / 12.50"


def test_context_keys_the_template_does_not_use_are_ignored() -> None:
    template = parse("Hi", ALLOWED)

    text = template.render({"points": 1, "secret": "x"}, autoescape=False)

    assert text == "Hi"


def test_variables_are_the_names_the_template_uses() -> None:
    template = parse("{{ points }} {{ client_name }} {{points}}", ALLOWED)

    variables = template.variables

    assert variables == {"points", "client_name"}


def test_single_braces_are_ordinary_text() -> None:
    template = parse("<style>p { color: red }</style>{ {{ points }} }", ALLOWED)

    text = template.render({"points": 3}, autoescape=True)

    assert text == "<style>p { color: red }</style>{ 3 }"


def test_render_parses_and_renders_in_one_call() -> None:
    context = {"client_name": "Ivan"}

    text = render("Hi {{ client_name }}", context, allowed=ALLOWED, autoescape=False)

    assert text == "Hi Ivan"


def test_render_refuses_an_invalid_template_like_parse() -> None:
    context = {"client_name": "Ivan"}

    with pytest.raises(TemplateSyntaxProblem):
        render("Hi {{ client }}", context, allowed=ALLOWED, autoescape=False)


# Problems, as the salon admin reads them


def test_unknown_variable_names_its_line_and_the_available_variables() -> None:
    text = "Hello {{ client_name }},\nyou earned {{ pionts }} points."

    problem = _problem(text)

    assert problem.message == (
        'Unknown variable "{{ pionts }}" on line 2. '
        "Available: business_name, client_name, points, reward."
    )
    assert str(problem) == problem.message
    assert (problem.token, problem.name, problem.line, problem.column) == (
        "{{ pionts }}",
        "pionts",
        2,
        12,
    )


def test_unknown_variable_in_a_message_without_variables_says_there_are_none() -> None:
    text = "Welcome {{ client_name }}"

    with pytest.raises(TemplateSyntaxProblem) as raised:
        parse(text, allowed=())

    assert raised.value.message == (
        'Unknown variable "{{ client_name }}" on line 1. This message has no variables.'
    )


def test_unclosed_placeholder_is_reported_at_its_opening_braces() -> None:
    text = "Hello {{ client_name"

    problem = _problem(text)

    assert problem.message == (
        'Unclosed placeholder "{{ client_name" on line 1: close it with "}}".'
    )
    assert (problem.token, problem.line, problem.column) == ("{{ client_name", 1, 7)


def test_placeholder_closed_on_a_later_line_is_unclosed() -> None:
    text = "Hello {{ client_name\n}}, welcome"

    problem = _problem(text)

    assert (problem.token, problem.line) == ("{{ client_name", 1)


def test_placeholder_opened_again_before_closing_is_unclosed() -> None:
    text = "Hello {{ client_name {{ points }}"

    problem = _problem(text)

    assert (problem.token, problem.column) == ("{{ client_name", 7)


@pytest.mark.parametrize(
    "tag",
    ["{% if points %}", "{% include 'other.html' %}", "{% load static %}", "{# note #}"],
)
def test_tags_and_comments_are_refused(tag: str) -> None:
    text = f"Hi\nthere {tag} done"

    problem = _problem(text)

    assert problem.message == (
        f'"{tag}" on line 2 is not allowed: only {{{{ variable }}}} placeholders can be used.'
    )
    assert (problem.token, problem.line, problem.column) == (tag, 2, 7)


def test_unterminated_tag_is_quoted_up_to_the_end_of_its_line() -> None:
    text = "Hi {% if points\nmore"

    problem = _problem(text)

    assert problem.token == "{% if points"


@pytest.mark.parametrize("token", ["{{ client_name|upper }}", "{{ points|safe }}"])
def test_filters_are_refused(token: str) -> None:
    text = f"Hi {token}"

    problem = _problem(text)

    assert problem.message.startswith(
        f'"{token}" on line 1 is not allowed: filters ("|") cannot be used. Available: '
    )
    assert problem.token == token


@pytest.mark.parametrize("token", ["{{ client.name }}", "{{ business.owner.email }}"])
def test_attribute_access_is_refused(token: str) -> None:
    text = f"Hi {token}"

    problem = _problem(text)

    assert problem.message.startswith(
        f'"{token}" on line 1 is not allowed: dots (".") cannot be used. Available: '
    )


def test_closing_braces_without_an_opener_are_refused() -> None:
    text = "Hi client_name }} and more"

    problem = _problem(text)

    assert problem.message == '"}}" on line 1 has no matching "{{".'
    assert (problem.token, problem.column) == ("}}", 16)


def test_empty_placeholder_is_refused() -> None:
    text = "Hi {{ }}"

    problem = _problem(text)

    assert problem.message.startswith('Empty placeholder "{{ }}" on line 1. Available: ')


@pytest.mark.parametrize("token", ["{{ Client_Name }}", "{{ client name }}", "{{ 1st }}"])
def test_badly_formed_names_are_refused(token: str) -> None:
    text = token

    problem = _problem(text)

    assert problem.message.startswith(
        f'"{token}" on line 1 is not a valid placeholder: a name uses lowercase letters, '
        "digits and underscores. Available: "
    )


def test_the_first_problem_in_reading_order_is_reported() -> None:
    text = "{{ points }}\n{% if vip %}\n{{ pionts }}"

    problem = _problem(text)

    assert problem.line == 2


def test_problems_are_value_errors_for_form_validation() -> None:
    text = "{{ pionts }}"

    problem = _problem(text)

    assert isinstance(problem, ValueError)


def test_messages_are_translated_before_the_values_are_filled_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(placeholders, "gettext", lambda message: f"[fr] {message}")

    problem = _problem("{{ pionts }}")

    assert problem.message == (
        '[fr] Unknown variable "{{ pionts }}" on line 1. '
        "[fr] Available: business_name, client_name, points, reward."
    )


# Properties

# Every code point: Hypothesis's default alphabet first builds a Unicode table
# (over a second on a fresh checkout), which fails its too-slow health check.
_text = st.text(st.characters(exclude_categories=[]))
_literals = st.text(st.characters(exclude_categories=[], exclude_characters="{}"), max_size=20)
_spaces = st.sampled_from(["", " ", "  ", "\t"])
_placeholders = st.builds(
    lambda before, name, after: ("{{" + before + name + after + "}}", name),
    _spaces,
    st.sampled_from(ALLOWED),
    _spaces,
)
# Literal, (placeholder, name), literal, ..., literal.
_pieces = st.tuples(_literals, st.lists(st.tuples(_placeholders, _literals), max_size=6))
_values = st.one_of(st.none(), _text, st.integers(), st.decimals(allow_nan=False))
_contexts = st.dictionaries(st.sampled_from(ALLOWED), _values)


def _join(first: str, rest: list[tuple[tuple[str, str], str]]) -> str:
    return first + "".join(placeholder + literal for (placeholder, _), literal in rest)


@given(pieces=_pieces, context=_contexts, autoescape=st.booleans())
def test_any_text_made_of_allowed_placeholders_and_brace_free_text_renders(
    pieces: tuple[str, list[tuple[tuple[str, str], str]]],
    context: dict[str, object],
    autoescape: bool,
) -> None:
    first, rest = pieces
    text = _join(first, rest)

    rendered = render(text, context, allowed=ALLOWED, autoescape=autoescape)

    def shown(name: str) -> str:
        value = context.get(name)
        value_text = "" if value is None else str(value)
        return html.escape(value_text) if autoescape else value_text

    assert rendered == first + "".join(shown(name) + literal for (_, name), literal in rest)


@given(
    value=st.builds(lambda before, after: f"{before}<script>{after}", _text, _text),
)
def test_a_value_with_a_script_tag_is_escaped_in_html(value: str) -> None:
    template = parse("<p>Dear {{ client_name }}</p>", ALLOWED)

    body = template.render({"client_name": value}, autoescape=True)

    assert "<script>" not in body
    assert body.count("<") == 2
    assert html.unescape(body) == f"<p>Dear {value}</p>"


@given(pieces=_pieces)
def test_parsing_gives_back_the_literals_and_names_the_text_was_made_of(
    pieces: tuple[str, list[tuple[tuple[str, str], str]]],
) -> None:
    first, rest = pieces
    text = _join(first, rest)

    template = parse(text, ALLOWED)

    expected: list[str] = [first]
    for (_, name), literal in rest:
        expected += [name, literal]
    assert template == Template(source=text, segments=tuple(expected))
    assert template.variables == {name for (_, name), _ in rest}


_fragments = st.sampled_from(
    ["{{", "}}", "{%", "%}", "{#", "#}", "{", "}", " ", "\n", "|", ".", "points", "pionts", "X"]
)


def _parse_or_problem(text: str) -> Template | TemplateSyntaxProblem:
    try:
        return parse(text, ALLOWED)
    except TemplateSyntaxProblem as problem:
        return problem


@given(text=st.lists(_fragments | _text).map("".join))
def test_any_text_either_parses_or_raises_a_problem_pointing_at_its_token(text: str) -> None:
    outcome = _parse_or_problem(text)

    if isinstance(outcome, TemplateSyntaxProblem):
        assert outcome.token
        assert text.startswith(outcome.token, _offset(text, outcome.line, outcome.column))
    else:
        assert outcome.variables <= set(ALLOWED)
        for literal in outcome.segments[::2]:
            assert not any(syntax in literal for syntax in ("{{", "}}", "{%", "{#"))
