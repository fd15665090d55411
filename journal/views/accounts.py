"""Signing in and changing one's password (Django's views; a refused form answers 422), and
the users page, for admins: list, create with a role, change a role, deactivate or
reactivate, reset a password. New and reset passwords are random and shown once."""

from __future__ import annotations

import secrets
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from journal.roles import Role, can_manage_users, role_of, set_role

User = get_user_model()


class UnprocessableFormMixin:
    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class SignIn(UnprocessableFormMixin, auth_views.LoginView):
    pass


class PasswordChange(UnprocessableFormMixin, auth_views.PasswordChangeView):
    pass


def admin_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_users(request.user):
            raise PermissionDenied(_("Only an admin manages users."))
        return view(request, *args, **kwargs)

    return wrapped


class NewUserForm(forms.ModelForm):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.VIEWER)

    class Meta:
        model = User
        fields = ["username", "email"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


def _page(request: HttpRequest, form: NewUserForm, status: int = 200) -> HttpResponse:
    users = list(User.objects.prefetch_related("groups").order_by("username"))
    rows = [(user, role_of(user)) for user in users]
    return render(request, "accounts/users.html", {"rows": rows, "form": form, "roles": Role}, status=status)


def _new_password(request: HttpRequest, user) -> None:
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    messages.success(
        request,
        _("Password for %(name)s (shown once, give it to them): %(password)s")
        % {"name": user.get_username(), "password": password},
    )


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, NewUserForm())
    form = NewUserForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    user = form.save()
    set_role(user, form.cleaned_data["role"])
    _new_password(request, user)
    return redirect("user_list")


def _other_user(request: HttpRequest, pk: int):
    """Any user but oneself: an admin cannot demote, deactivate or lock out themselves."""
    user = get_object_or_404(User, pk=pk)
    if user.pk == request.user.pk:
        raise PermissionDenied(_("Change your own account from another admin's account."))
    return user


@require_POST
@admin_required
def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = _other_user(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("role: %(errors)s") % {"errors": " ".join(form.errors["role"])})
        return _page(request, NewUserForm(), status=422)
    set_role(user, form.cleaned_data["role"])
    role = Role(form.cleaned_data["role"]).label
    messages.success(request, _("%(name)s is now %(role)s.") % {"name": user.get_username(), "role": role.lower()})
    return redirect("user_list")


@require_POST
@admin_required
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (they can no longer sign in; their session ends) or reactivate."""
    user = _other_user(request, pk)
    user.is_active = not user.is_active
    user.save(update_fields=["is_active"])
    said = _("%(name)s is active.") if user.is_active else _("%(name)s is deactivated.")
    messages.success(request, said % {"name": user.get_username()})
    return redirect("user_list")


@require_POST
@admin_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    _new_password(request, _other_user(request, pk))
    return redirect("user_list")
