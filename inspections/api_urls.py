"""Non-router API paths of inspections (feedback status)."""

urlpatterns: list = []
