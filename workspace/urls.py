"""URLs of the workspace at /app/: the shell here, then every app's pages (one namespace,
``app:``)."""

from django.urls import path

from workspace import views

app_name = "app"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.SignInView.as_view(), name="sign-in"),
    path("logout/", views.SignOutView.as_view(), name="sign-out"),
]


def _pages(module_name: str) -> list:
    from importlib import import_module

    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if not exc.name or not module_name.startswith(exc.name):
            raise
        return []
    return list(module.urlpatterns)


# Each domain app keeps its pages in ``<app>/pages/`` (docs/workspace.md);
# their URL names share the ``app:`` namespace.
for _module in (
    "inspections.pages.urls",
    "training.pages.urls",
    "staff.pages.urls",
    "reform.pages.urls",
):
    urlpatterns += _pages(_module)
