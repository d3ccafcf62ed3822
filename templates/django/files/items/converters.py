from django.urls import register_converter

# The largest id an item can have: the range of a 32-bit integer column.
ID_MAX = 2**31 - 1


class ItemIdConverter:
    """An item id in a URL: 1 to 2147483647, without sign or leading zeros.

    Any other text (abc, 0, -1, 007, 1.5, 2147483648, ...) matches no URL, so
    the answer is 404 before a query could overflow the database.
    """

    regex = "[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError(f"{value} is not an item id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(ItemIdConverter, "item_id")
