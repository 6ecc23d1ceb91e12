"""Back office forms of notifications: a template's subject and body, and the log's filters.

They parse input and point at a broken placeholder early; the services decide.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from booking.models import Client
from notifications import rendering
from notifications.kinds import MessageKind
from notifications.models import MessageStatus
from notifications.placeholders import TemplateSyntaxProblem

SUBJECT_LENGTH = 200
BODY_LENGTH = 10_000


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LENGTH)
    body = forms.CharField(label=_("Message"), max_length=BODY_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 16}), strip=False)
    # Where to go back to after saving (the page that included the editor).
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kind: MessageKind, **kwargs):
        kwargs.setdefault("auto_id", f"{kind}-%s")
        super().__init__(*args, **kwargs)
        self.kind = kind

    def _placeholders(self, name: str) -> str:
        text = self.cleaned_data[name]
        try:
            rendering.validate(self.kind, text)
        except TemplateSyntaxProblem as problem:
            raise ValidationError(problem.message) from problem
        return text

    def clean_subject(self) -> str:
        if "\n" in self.cleaned_data["subject"]:
            raise ValidationError(_("A subject is one line."))
        return self._placeholders("subject")

    def clean_body(self) -> str:
        if not self.cleaned_data["body"].strip():
            raise ValidationError(_("Enter the message."))
        return self._placeholders("body")


class MessageFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Message"), required=False,
                             choices=[("", _("All messages")), *MessageKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *MessageStatus.choices])
    client = forms.ModelChoiceField(queryset=Client.objects.none(), required=False,
                                    widget=forms.HiddenInput,
                                    error_messages={"invalid_choice": _("No such client.")})

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_business(business)

    def filters(self) -> dict:
        """The valid filters; a field with an error filters nothing."""
        data = getattr(self, "cleaned_data", {})
        return {"search": data.get("q") or "", "kind": data.get("kind") or "",
                "status": data.get("status") or "", "client": data.get("client")}
