"""The admin app, with CongVu's admin site as the default ``admin.site``.

Kept apart from ``core.admin_site`` because this module is imported while
apps load, before models and forms can be.
"""

from django.contrib.admin.apps import AdminConfig


class CongVuAdminConfig(AdminConfig):
    default_site = "core.admin_site.CongVuAdminSite"
