"""The installed packages' own text, in the reader's language.

Django merges every catalogue of a language into one and the project's own (LOCALE_PATHS) wins, so the
Chinese for a package's English lives in locale/zh_Hans/LC_MESSAGES/django.po, with the package's English
as the msgid (`make setup` compiles it). Some of that English never goes through gettext in the package
itself: the names django-otp gives the TOTP device and its fields, the app names Django makes from a label
("Otp_Totp"), django-tasks-db's app name, simple-history's "historical …" models and the names Django
stores for the permissions it creates ("Can add 用户"). Here that English is handed to gettext unchanged:
English readers see what the package says, Chinese readers what the zh_Hans catalogue says.

`package_text` is gettext_lazy under a name makemessages does not look for: these msgids are the packages'
English, translated in the zh_Hans catalogue, not messages of ours for the English one. Migrations see no
difference: makemigrations runs without a language, where each of these reads as the English it replaces
(and a model's options are read from its Meta, not from the names set here).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig, apps
from django.utils.text import format_lazy
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as package_text
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpAppConfig
from django_tasks_db.apps import TasksAppConfig


def translatable(text):
    """The package's English as a message: read without a language (a name it already hands to gettext
    reads as its msgid, not in the language the process started in), then translated when shown."""
    with override(None):
        return package_text(str(text)) if text else text


def translate_model_text(model) -> None:
    """A model's names and its fields' labels and help texts."""
    opts = model._meta
    opts.verbose_name = translatable(opts.verbose_name)
    opts.verbose_name_plural = translatable(opts.verbose_name_plural)
    for field in opts.fields:
        field.verbose_name = translatable(field.verbose_name)
        field.help_text = translatable(field.help_text)


class AxesConfig(AxesAppConfig):
    verbose_name = package_text("Axes")


class OtpTotpConfig(OtpTotpAppConfig):
    verbose_name = package_text("Otp_Totp")

    def ready(self) -> None:
        super().ready()
        translate_model_text(self.get_model("TOTPDevice"))


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = package_text("Tasks Database Backend")

    def ready(self) -> None:
        from django_tasks_db.admin import DBTaskResultAdmin

        super().ready()
        model = self.get_model("DBTaskResult")
        translate_model_text(model)
        # The admin's column for the property (its label would be "Task name", made from the name), and
        # the admin's two computed fields, described in plain English.
        model.task_name.fget.short_description = package_text("Task name")
        for method in (DBTaskResultAdmin.formatted_traceback, DBTaskResultAdmin.display_run_after):
            method.short_description = translatable(method.short_description)


class SimpleHistoryConfig(AppConfig):
    """simple-history names each history model "historical <name>" in the language the model was imported
    in, and a history of a many-to-many relation by its class name ("HistoricalUser_groups"): both show in
    the permission lists and the content-type choices of the admin."""

    name = "simple_history"

    def ready(self) -> None:
        from simple_history.models import HistoricalChanges

        for model in apps.get_models():
            tracked = getattr(model, "instance_type", None)
            if issubclass(model, HistoricalChanges) and tracked is not None:
                model._meta.verbose_name = format_lazy(package_text("historical {}"), _tracked_name(tracked))
                model._meta.verbose_name_plural = format_lazy(
                    package_text("historical {}"), _tracked_name(tracked, plural=True)
                )


def _tracked_name(model, plural: bool = False):
    """A model's name; for the table Django makes for a many-to-many field, "<model> – <field>"."""
    owner = model._meta.auto_created
    if owner:
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        return format_lazy("{} – {}", owner._meta.verbose_name, field.verbose_name)
    return model._meta.verbose_name_plural if plural else model._meta.verbose_name


# Django stores "Can <action> <model>" when it creates a model's default permissions, in English and with
# the model's name in the source language, once; this says it again in the reader's language.
PERMISSION_ACTIONS = {
    "add": package_text("Can add %(model)s"),
    "change": package_text("Can change %(model)s"),
    "delete": package_text("Can delete %(model)s"),
    "view": package_text("Can view %(model)s"),
}


def permission_name(permission) -> str:
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if (
        model is not None
        and action in PERMISSION_ACTIONS
        and permission.codename == f"{action}_{model._meta.model_name}"
    ):
        return PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    # A package's own permission ("Can change config") is English as it declared it; ours are Chinese.
    return gettext(permission.name)


def permission_label(permission) -> str:
    """Permission.__str__ ("<app> | <model> | <name>") with the name in the reader's language."""
    return f"{permission.content_type} | {permission_name(permission)}"
