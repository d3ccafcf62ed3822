from typing import Any

from django import forms

from .models import Item


class ItemForm(forms.ModelForm):
    """The field rules: a name of 1 to 100 characters once trimmed, a description
    of up to 1000 kept as given ("" when absent), no NUL character in either."""

    class Meta:
        model = Item
        fields = ["name", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].strip = False
