"""Propose a disciplinary case from a finding: the inspector's part. HR opens the case
(cases.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.pages import PermissionPage
from core.validation import onto_form
from inspections.casework import services
from inspections.models import DisciplinaryCase, Finding
from staff import access


class ProposeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why a case is proposed"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For HR, who decides whether to open the case."),
    )


class ProposeCasePage(PermissionPage, View):
    permissions = ("inspections.change_finding", "inspections.add_disciplinarycase")
    template_name = "inspections/pages/case_propose.html"

    def finding(self, pk):
        rows = Finding.objects.select_related(
            "staff__unit", "unit", "category", "inspection", "case_proposed_by"
        )
        return get_object_or_404(access.restrict(rows, self.request.user), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        # HR opens the case itself, from the same finding.
        if request.user.is_authenticated and access.can(
            request.user, access.ADD, model=DisciplinaryCase
        ):
            return redirect(f"{reverse('app:case-open')}?finding={kwargs['pk']}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        finding = self.finding(pk)
        return render(request, self.template_name, {"finding": finding, "form": ProposeForm()})

    def post(self, request, pk: int):
        finding = self.finding(pk)
        access.require(request.user, access.CHANGE, finding)
        form = ProposeForm(request.POST)
        if form.is_valid():
            try:
                services.finding_propose_case(
                    finding=finding, by=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                onto_form(form, exc)
            else:
                messages.success(
                    request, _("The case is proposed: HR sees it on their list of work.")
                )
                if finding.inspection_id:
                    return redirect("app:inspection-detail", code=finding.inspection.code)
                return redirect("app:home")
        return render(request, self.template_name, {"finding": finding, "form": form}, status=400)
