"""How a service's refusal reaches the person who asked: next to a form's fields, or in one line."""

from django.core.exceptions import ValidationError


def add_form_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def one_line(error: ValidationError) -> str:
    """Every message of a refusal as one sentence after another, for a flash message."""
    return " ".join(error.messages)
