from notifications.models import Notification


def notifications_for(user):
    """The user's inbox, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the user's notifications are unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
