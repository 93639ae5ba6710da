from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("shown_title", "recipient", "created_at", "read_at", "emailed_at")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)

    @admin.display(description=_("标题"))
    def shown_title(self, obj: Notification) -> str:
        """Worded in the reader's language, as in the inbox (the stored `title` is the site's)."""
        return obj.shown_title
