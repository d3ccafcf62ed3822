from django.urls import path

from . import converters  # noqa: F401 (registers the item_id converter)
from .views import ItemDetailView, ItemListView

urlpatterns = [
    path("items", ItemListView.as_view(), name="item-list"),
    path("items/<item_id:item_id>", ItemDetailView.as_view(), name="item-detail"),
]
