from django import template

from notifications.editor import editor
from notifications.kinds import MessageKind

register = template.Library()


@register.inclusion_tag("notifications/_template_editor.html", takes_context=True)
def message_template_editor(context, kind: str) -> dict:
    """The editor of one message kind, for the business of the page (see notifications.editor)."""
    request = context["request"]
    return {"editor": editor(business=request.business, kind=MessageKind(kind),
                             next_url=request.get_full_path()),
            "request": request, "csrf_token": context.get("csrf_token")}
