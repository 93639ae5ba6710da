from django_tasks import task

from notifications.services import email_notification


@task()
def send_notification_email(notification_id: int) -> bool:
    """Send the e-mail copy of one notification."""
    return email_notification(notification_id=notification_id)
