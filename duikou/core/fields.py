"""MoneyField: integer 分 in the database, Decimal yuan in Python (SQLite sums stay exact)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.lib.money import fen_to_yuan, yuan_to_fen


class MoneyField(models.BigIntegerField):
    description = _("金额（元，精确到分）")

    def from_db_value(self, value, expression, connection):
        return None if value is None else fen_to_yuan(int(value))

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return fen_to_yuan(yuan_to_fen(value))
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s”不是有效的金额。"), params={"value": value}
            ) from exc

    def get_prep_value(self, value):
        if value is None:
            return None
        return yuan_to_fen(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return value

    def formfield(self, **kwargs):
        from django import forms

        return forms.DecimalField(max_digits=16, decimal_places=2, **kwargs)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)
