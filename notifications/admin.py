from django.contrib import admin

from notifications.models import MessageTemplate, OutboundMessage


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["business", "kind", "subject", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["business__name", "subject"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Support staff read the log; only the sending service writes it."""

    list_display = ["created_at", "business", "kind", "recipient", "status", "reason", "attempts"]
    list_filter = ["status", "kind", "reason"]
    search_fields = ["recipient", "subject", "business__name"]
    list_select_related = ["business"]
    exclude = ["attachments"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
