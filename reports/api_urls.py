"""Report API paths."""

urlpatterns: list = []
