from typing import Any

from rest_framework import serializers

from .models import Item


class StringField(serializers.CharField):
    """A CharField that takes only JSON strings: 123 is an error, not "123"."""

    default_error_messages = {"invalid": "Enter a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ItemSerializer(serializers.ModelSerializer):
    """The field rules: a name of 1 to 100 characters once trimmed, a description
    of up to 1000 kept as given ("" when absent), no NUL character in either."""

    name = StringField(max_length=100)
    description = StringField(
        max_length=1000, allow_blank=True, trim_whitespace=False, default=""
    )

    class Meta:
        model = Item
        fields = ["id", "name", "description", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
