from rest_framework import viewsets

from .models import Item
from .serializers import ItemSerializer


class ItemViewSet(viewsets.ModelViewSet):
    """List, create, retrieve, update and delete items."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
