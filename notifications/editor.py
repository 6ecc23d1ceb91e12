"""The template editor, as one include that any settings page can show.

`{% load notification_editor %}{% message_template_editor "points_credited" %}` shows
the editor of a kind (the Loyalty settings page shows its two that way); it posts to
this app's pages, which come back to the including page after saving.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications import selectors, services
from notifications.forms import TemplateForm
from notifications.kinds import VARIABLE_HELP, MessageKind, is_marketing, variables
from notifications.rendering import Rendered
from tenancy.models import Business


@dataclass(frozen=True)
class Editor:
    kind: MessageKind
    marketing: bool
    form: TemplateForm
    variables: list[tuple[str, str]]
    preview: Rendered | None
    preview_errors: list[str]
    is_custom: bool
    save_url: str
    preview_url: str
    reset_url: str


def preview_of(business: Business, kind: MessageKind, subject: str, body: str
               ) -> tuple[Rendered | None, list[str]]:
    try:
        return services.preview(business=business, kind=kind, subject=subject, body=body), []
    except ValidationError as refusal:
        return None, refusal.messages


def editor(*, business: Business, kind: MessageKind, form: TemplateForm | None = None,
           next_url: str = "") -> Editor:
    """The editor of `kind`: a bound `form` shows what was typed (and its preview),
    otherwise the current wording."""
    text = selectors.template_text(business=business, kind=kind)
    if form is None:
        form = TemplateForm(kind=kind, initial={"subject": text.subject, "body": text.body,
                                                "next": next_url})
        subject, body = text.subject, text.body
    else:
        subject, body = form.data.get("subject", ""), form.data.get("body", "")
    preview, preview_errors = preview_of(business, kind, subject, body)
    args = [business.slug, kind.value]
    return Editor(
        kind=kind, marketing=is_marketing(kind), form=form,
        variables=[(name, VARIABLE_HELP[name]) for name in variables(kind)],
        preview=preview, preview_errors=preview_errors, is_custom=text.is_custom,
        save_url=reverse("notifications:template-edit", args=args),
        preview_url=reverse("notifications:template-preview", args=args),
        reset_url=reverse("notifications:template-reset", args=args),
    )
