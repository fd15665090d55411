"""Who may do what: the one place that decides a signed-in person's role.

- **admin** manages users (a superuser; the Django admin is open to them too),
- **editor** records and changes incidents and their evidence,
- **viewer** reads everything and changes nothing.

Editors and viewers are Django groups named after the role; a user in neither group
(and not a superuser) is a viewer, so a new account can never write by accident.
Writes by viewers are refused centrally by ``journal.middleware.RoleMiddleware``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin (manages users)")
    EDITOR = "editor", _("Editor (records incidents)")
    VIEWER = "viewer", _("Viewer (reads only)")


GROUPS = (Role.EDITOR, Role.VIEWER)

# Writes a viewer may still make: they change nothing in the journal.
VIEWER_WRITES = frozenset(
    {
        "login",
        "logout",
        "set_time_zone",
        "set_language",
        "preferences",
        "password_change",
        "api_token_create",
        "api_token_revoke",
        "feed_token_create",
        "feed_token_revoke",
    }
)
# Pages that only show a form for a change (incident_new, evidence_edit, the confirmations of
# provider_delete and service_merge …): closed to viewers too.
FORM_PAGE_SUFFIXES = ("_new", "_edit", "_delete", "_merge")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role; None for anonymous or deactivated users. Read once per user object."""
    if not hasattr(user, "_journal_role"):
        user._journal_role = _read_role(user)
    return user._journal_role


def _read_role(user) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = {group.name for group in user.groups.all()}
    return Role.EDITOR if Role.EDITOR in names else Role.VIEWER


def can_edit(user) -> bool:
    return role_of(user) in {Role.ADMIN, Role.EDITOR}


def can_manage_users(user) -> bool:
    return role_of(user) == Role.ADMIN


def may_request(user, method: str, url_name: str | None) -> bool:
    """May this signed-in user send this request to the named view? Anyone may read; only
    editors and admins write or open a form page, save the few writes in VIEWER_WRITES."""
    if method in SAFE_METHODS and not (url_name or "").endswith(FORM_PAGE_SUFFIXES):
        return True
    return can_edit(user) or url_name in VIEWER_WRITES


@transaction.atomic
def set_role(user, role: Role | str) -> None:
    """Give the user exactly this role (saves the user)."""
    role = Role(role)
    user.__dict__.pop("_journal_role", None)
    user.is_superuser = user.is_staff = role == Role.ADMIN
    user.save(update_fields=["is_superuser", "is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=GROUPS))
    if role != Role.ADMIN:
        user.groups.add(Group.objects.get_or_create(name=role)[0])


def context(request) -> dict:
    """Template context: ``can_edit`` hides write buttons and forms, ``can_manage_users`` the users page."""
    user = getattr(request, "user", None)
    if user is None:
        return {"can_edit": False, "can_manage_users": False}
    return {"can_edit": can_edit(user), "can_manage_users": can_manage_users(user)}
