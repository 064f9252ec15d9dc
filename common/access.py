"""Who may open the staff pages: one mixin, used by every portal view.

Every page and action needs a logged-in user with ``students.use_portal``
(the group *Toelating* holds it). An anonymous visitor is sent to the login
page; a logged-in user without the permission gets 403. The admin keeps
Django's own rule (staff status).
"""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin

PORTAL_PERMISSION = "students.use_portal"


class PortalAccessMixin(PermissionRequiredMixin):
    """Login required, then ``students.use_portal``; 403 for a logged-in user without it.

    ``PermissionRequiredMixin`` already redirects anonymous users to
    ``LOGIN_URL`` and raises PermissionDenied for authenticated ones.
    """

    permission_required = PORTAL_PERMISSION
