"""Password validators the platform adds to Django's (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message that is translated: Django 5.2 changed the msgid of its own
    ("…at least %d characters.") and its Chinese catalogue still has the old one, so users saw
    English. The message is the platform's (Chinese msgid, English in locale/en)."""

    def get_error_message(self) -> str:
        return _("密码太短：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
