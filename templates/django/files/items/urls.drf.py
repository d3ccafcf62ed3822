from rest_framework.routers import SimpleRouter

from . import converters  # noqa: F401 (registers the item_id converter)
from .views import ItemViewSet

# /items and /items/<id>, without a trailing slash.
router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("items", ItemViewSet)

urlpatterns = router.urls
