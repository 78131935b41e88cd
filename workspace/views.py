"""The workspace shell: sign-in, sign-out and the per-role home ("My work")."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from django_otp import login as otp_login

from core.security import throttle_page
from workspace import home
from workspace.context import user_role
from workspace.forms import SignInForm
from workspace.nav import ROLE_LABELS


class WorkspaceMixin(LoginRequiredMixin):
    """Signed in with one of the roles; anyone else gets the 403 page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if user_role(request) is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@method_decorator(throttle_page("auth", methods=("POST",)), name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "workspace/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response

    def get_default_redirect_url(self):
        return str(reverse_lazy("app:home"))


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("app:sign-in")


class HomeView(WorkspaceMixin, TemplateView):
    template_name = "workspace/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = user_role(self.request)
        today = timezone.localdate()
        user = self.request.user
        context.update(
            {
                "today": today,
                "role_label": ROLE_LABELS.get(role, ""),
                "sections": home.sections_for(user, role, today),
                "unit_counts": home.counts_per_unit(user, today)
                if home.is_leader(user, role)
                else None,
            }
        )
        return context
